using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace RechargePortal.Data;

/// <summary>What a database error means, whichever database said it.</summary>
public static class DbErrors
{
    /// <summary>A constraint refused the write (a unique index a parallel request filled first, a CHECK): SQLite's 19, PostgreSQL's class 23.</summary>
    public static bool IsConstraintViolation(DbUpdateException e) =>
        e.InnerException is SqliteException { SqliteErrorCode: 19 } or PostgresException { SqlState: [ '2', '3', .. ] };
}
