using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RechargePortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class LedgerAppendOnly : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A migration of its own: EF runs SQLite table rebuilds after a migration's other steps, and a
            // rebuild of LedgerEntries drops its triggers. A later migration that rebuilds it must re-create them.
            migrationBuilder.Sql(LedgerTriggers.Create);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(LedgerTriggers.Drop);
        }
    }
}
