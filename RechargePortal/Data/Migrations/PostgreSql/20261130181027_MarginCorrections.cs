using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RechargePortal.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class MarginCorrections : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_RechargeId_Kind",
                table: "LedgerEntries");

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_OneAdjustmentPerRechargeAndWallet",
                table: "LedgerEntries",
                columns: new[] { "RechargeId", "WalletId" },
                unique: true,
                filter: "\"Kind\" = 'Adjustment' AND \"RechargeId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_RechargeId_Kind",
                table: "LedgerEntries",
                columns: new[] { "RechargeId", "Kind" },
                unique: true,
                filter: "\"RechargeId\" IS NOT NULL AND \"Kind\" NOT IN ('Commission', 'Adjustment')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_OneAdjustmentPerRechargeAndWallet",
                table: "LedgerEntries");

            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_RechargeId_Kind",
                table: "LedgerEntries");

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_RechargeId_Kind",
                table: "LedgerEntries",
                columns: new[] { "RechargeId", "Kind" },
                unique: true,
                filter: "\"RechargeId\" IS NOT NULL AND \"Kind\" <> 'Commission'");
        }
    }
}
