namespace RechargePortal.Data;

/// <summary>
/// The ledger's append-only rule, enforced by the database itself: no statement, from the app, a
/// script or a sqlite3 shell, can change or remove an entry. A correction is a new entry.
/// (PostgreSQL gets the same as a trigger function raising an exception.)
/// </summary>
public static class LedgerTriggers
{
    public const string Message = "LedgerEntries are append-only: write a correcting entry";

    public const string Create =
        $"""
        CREATE TRIGGER TR_LedgerEntries_NoUpdate BEFORE UPDATE ON LedgerEntries
        BEGIN SELECT RAISE(ABORT, '{Message}'); END;
        CREATE TRIGGER TR_LedgerEntries_NoDelete BEFORE DELETE ON LedgerEntries
        BEGIN SELECT RAISE(ABORT, '{Message}'); END;
        """;

    public const string Drop =
        """
        DROP TRIGGER IF EXISTS TR_LedgerEntries_NoUpdate;
        DROP TRIGGER IF EXISTS TR_LedgerEntries_NoDelete;
        """;
}
