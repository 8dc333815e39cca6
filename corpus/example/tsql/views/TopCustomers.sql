CREATE VIEW dbo.vw_TopCustomers
AS
SELECT TOP 10 c.CompanyName, SUM(l.LineTotal) AS Revenue
FROM dbo.Customer AS c
INNER JOIN dbo.SalesOrder AS o ON o.CustomerID = c.CustomerID
INNER JOIN dbo.OrderLine AS l ON l.OrderID = o.OrderID
WHERE o.OrderDate >= '2024-01-01'
GROUP BY c.CompanyName
ORDER BY Revenue DESC
GO
