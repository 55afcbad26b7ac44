using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RechargePortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class LedgerTransfersAppendOnly : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // LedgerTransfers rebuilt LedgerEntries (a new CHECK), which dropped its triggers: the append-only rule again.
            // A migration of its own, because EF runs a SQLite rebuild after a migration's other steps.
            migrationBuilder.Sql(LedgerTriggers.Drop);
            migrationBuilder.Sql(LedgerTriggers.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(LedgerTriggers.Drop);
        }
    }
}
