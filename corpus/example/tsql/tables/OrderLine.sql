CREATE TABLE dbo.OrderLine (
    OrderID    INT NOT NULL,
    LineNo     SMALLINT NOT NULL,
    Product    NVARCHAR(100) NOT NULL,
    Quantity   INT NOT NULL CHECK (Quantity > 0),
    UnitPrice  MONEY NOT NULL,
    LineTotal  AS (Quantity * UnitPrice),
    CONSTRAINT PK_OrderLine PRIMARY KEY (OrderID, LineNo),
    CONSTRAINT FK_OrderLine_Order FOREIGN KEY (OrderID) REFERENCES dbo.SalesOrder (OrderID) ON DELETE CASCADE
)
GO
