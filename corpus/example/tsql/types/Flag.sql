-- Alias type used by several tables
CREATE TYPE dbo.Flag FROM bit NOT NULL
GO
