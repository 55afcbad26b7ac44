using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RechargePortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class TreeCommission : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_RechargeId_Kind",
                table: "LedgerEntries");

            migrationBuilder.AddColumn<long>(
                name: "PackCommissionPoisha",
                table: "Recharges",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_OneCommissionPerRechargeAndWallet",
                table: "LedgerEntries",
                columns: new[] { "RechargeId", "WalletId" },
                unique: true,
                filter: "Kind = 'Commission'");

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_RechargeId_Kind",
                table: "LedgerEntries",
                columns: new[] { "RechargeId", "Kind" },
                unique: true,
                filter: "RechargeId IS NOT NULL AND Kind <> 'Commission'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_OneCommissionPerRechargeAndWallet",
                table: "LedgerEntries");

            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_RechargeId_Kind",
                table: "LedgerEntries");

            migrationBuilder.DropColumn(
                name: "PackCommissionPoisha",
                table: "Recharges");

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_RechargeId_Kind",
                table: "LedgerEntries",
                columns: new[] { "RechargeId", "Kind" },
                unique: true,
                filter: "RechargeId IS NOT NULL");
        }
    }
}
