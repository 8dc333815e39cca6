-- Orders per customer with a display name
CREATE OR ALTER VIEW dbo.vw_CustomerOrders
AS
SELECT c.CustomerID,
       c.CompanyName + N' (' + ISNULL(c.ContactName, N'n/a') + N')' AS DisplayName,
       COUNT(o.OrderID) AS OrderCount,
       SUM(o.TotalAmount) AS Revenue,
       MAX(o.OrderDate) AS LastOrder,
       DATEDIFF(day, MAX(o.OrderDate), GETDATE()) AS DaysSinceLastOrder
FROM dbo.Customer c WITH (NOLOCK)
LEFT JOIN dbo.SalesOrder o ON o.CustomerID = c.CustomerID
WHERE c.IsActive = 1
GROUP BY c.CustomerID, c.CompanyName, c.ContactName
GO
