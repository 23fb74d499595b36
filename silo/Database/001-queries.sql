-- The table Orleans' ADO.NET providers read their statements from. Orleans
-- runs "SELECT QueryKey, QueryText FROM OrleansQuery", so its name and columns
-- are fixed; PostgreSQL folds the unquoted names to lower case.
CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64) PRIMARY KEY,
    querytext text NOT NULL
);

-- Versions of this project's schema that have been applied, newest last.
CREATE TABLE IF NOT EXISTS modeluploads_schema_version
(
    version    integer PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);
