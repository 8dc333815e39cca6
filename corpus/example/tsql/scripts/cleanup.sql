IF OBJECT_ID('dbo.OrderArchive', 'U') IS NOT NULL
    DROP TABLE dbo.OrderArchive
GO

SELECT o.OrderID, o.CustomerID, o.OrderDate, o.TotalAmount
INTO dbo.OrderArchive
FROM dbo.SalesOrder o
WHERE o.OrderDate < DATEADD(year, -5, GETDATE())
GO

UPDATE o
SET o.Status = 'Shipped'
FROM dbo.SalesOrder o
INNER JOIN dbo.OrderLine l ON l.OrderID = o.OrderID
WHERE o.Status = 'Confirmed' AND l.Quantity > 0
GO
