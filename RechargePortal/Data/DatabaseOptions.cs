using System.ComponentModel.DataAnnotations;

namespace RechargePortal.Data;

public enum DatabaseProvider
{
    /// <summary>A file beside the app: zero setup, one instance.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server: several instances on one database.</summary>
    PostgreSql,
}

/// <summary>Which database, section <c>Database</c>; the connection string is <c>ConnectionStrings:Portal</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    [EnumDataType(typeof(DatabaseProvider))]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}
