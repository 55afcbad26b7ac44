namespace RechargePortal.Data;

/// <summary>
/// Marks an entity whose rows are written once and never edited or deleted (audit log, ledger).
/// <see cref="PortalDbContext"/> refuses to save a change to one.
/// </summary>
public interface IAppendOnly;
