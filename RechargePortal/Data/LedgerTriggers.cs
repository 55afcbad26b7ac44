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

    /// <summary>The same rule on PostgreSQL: a trigger function that refuses, on UPDATE, DELETE and TRUNCATE.</summary>
    public const string CreatePostgreSql =
        $"""
        CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{Message}'; END $$;
        CREATE TRIGGER "TR_LedgerEntries_NoUpdate" BEFORE UPDATE ON "LedgerEntries"
            FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();
        CREATE TRIGGER "TR_LedgerEntries_NoDelete" BEFORE DELETE ON "LedgerEntries"
            FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();
        CREATE TRIGGER "TR_LedgerEntries_NoTruncate" BEFORE TRUNCATE ON "LedgerEntries"
            FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_append_only();
        """;

    public const string DropPostgreSql =
        """
        DROP TRIGGER IF EXISTS "TR_LedgerEntries_NoUpdate" ON "LedgerEntries";
        DROP TRIGGER IF EXISTS "TR_LedgerEntries_NoDelete" ON "LedgerEntries";
        DROP TRIGGER IF EXISTS "TR_LedgerEntries_NoTruncate" ON "LedgerEntries";
        DROP FUNCTION IF EXISTS ledger_entries_append_only();
        """;
}
