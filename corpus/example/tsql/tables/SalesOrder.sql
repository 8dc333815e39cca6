CREATE TABLE dbo.SalesOrder (
    OrderID      INT IDENTITY(1000,1) PRIMARY KEY,
    CustomerID   INT NOT NULL REFERENCES dbo.Customer (CustomerID),
    OrderDate    DATE NOT NULL,
    Status       NVARCHAR(20) NOT NULL DEFAULT 'Draft',
    TotalAmount  DECIMAL(18,2) NOT NULL DEFAULT 0,
    CONSTRAINT CK_SalesOrder_Status CHECK (Status IN ('Draft', 'Confirmed', 'Shipped'))
)
GO

CREATE NONCLUSTERED INDEX IX_SalesOrder_Customer ON dbo.SalesOrder (CustomerID, OrderDate DESC)
GO

EXEC sp_addextendedproperty @name = N'MS_Description', @value = N'One row per customer order',
    @level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'SalesOrder'
GO
