using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RechargePortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class LedgerTransfers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "CK_LedgerEntries_KindSign",
                table: "LedgerEntries");

            migrationBuilder.AddColumn<string>(
                name: "TransferId",
                table: "LedgerEntries",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_TransferId_Kind",
                table: "LedgerEntries",
                columns: new[] { "TransferId", "Kind" },
                unique: true,
                filter: "TransferId IS NOT NULL");

            migrationBuilder.AddCheckConstraint(
                name: "CK_LedgerEntries_KindSign",
                table: "LedgerEntries",
                sql: "(Kind IN ('Deposit', 'RechargeRefund', 'TransferIn') AND AmountPoisha > 0) OR (Kind IN ('Withdrawal', 'RechargeHold', 'TransferOut') AND AmountPoisha < 0) OR (Kind = 'Commission' AND AmountPoisha >= 0) OR (Kind = 'Adjustment' AND AmountPoisha <> 0)");

            migrationBuilder.AddCheckConstraint(
                name: "CK_LedgerEntries_KindTransfer",
                table: "LedgerEntries",
                sql: "(Kind IN ('TransferOut', 'TransferIn')) = (TransferId IS NOT NULL)");

            // SQLite changes a CHECK by rebuilding the table, and the rebuild drops the table's triggers: the
            // append-only triggers are re-created in the next migration, LedgerTransfersAppendOnly.
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_TransferId_Kind",
                table: "LedgerEntries");

            migrationBuilder.DropCheckConstraint(
                name: "CK_LedgerEntries_KindSign",
                table: "LedgerEntries");

            migrationBuilder.DropCheckConstraint(
                name: "CK_LedgerEntries_KindTransfer",
                table: "LedgerEntries");

            migrationBuilder.DropColumn(
                name: "TransferId",
                table: "LedgerEntries");

            migrationBuilder.AddCheckConstraint(
                name: "CK_LedgerEntries_KindSign",
                table: "LedgerEntries",
                sql: "(Kind IN ('Deposit', 'RechargeRefund') AND AmountPoisha > 0) OR (Kind IN ('Withdrawal', 'RechargeHold') AND AmountPoisha < 0) OR (Kind = 'Commission' AND AmountPoisha >= 0) OR (Kind = 'Adjustment' AND AmountPoisha <> 0)");
        }
    }
}
