CREATE TABLE [dbo].[Customer] (
    [CustomerID]   INT IDENTITY(1,1) NOT NULL,
    [CompanyName]  NVARCHAR(80)  NOT NULL,
    [ContactName]  NVARCHAR(60)  NULL,
    [Email]        VARCHAR(254)  NULL,
    [IsActive]     dbo.Flag      CONSTRAINT [DF_Customer_IsActive] DEFAULT ((1)),
    [CreditLimit]  MONEY         NOT NULL DEFAULT (0),
    [Notes]        NVARCHAR(MAX) NULL,
    [CreatedAt]    DATETIME      NOT NULL DEFAULT (GETDATE()),
    CONSTRAINT [PK_Customer] PRIMARY KEY CLUSTERED ([CustomerID] ASC)
) ON [PRIMARY] TEXTIMAGE_ON [PRIMARY]
GO

CREATE UNIQUE NONCLUSTERED INDEX [UX_Customer_Email] ON [dbo].[Customer] ([Email])
GO
