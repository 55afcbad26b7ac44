using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RechargePortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class MoneyInvariants : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Rows the new checks would refuse: a vendor pack commission outside 0..price is not a deal; a
            // recharge cannot earn more than itself.
            migrationBuilder.Sql("DELETE FROM OfferPacks WHERE CommissionPoisha < 0 OR CommissionPoisha >= PricePoisha;");
            migrationBuilder.Sql("UPDATE Recharges SET CommissionPoisha = MIN(MAX(CommissionPoisha, 0), AmountPoisha) WHERE CommissionPoisha < 0 OR CommissionPoisha > AmountPoisha;");

            migrationBuilder.AddColumn<string>(
                name: "LastError",
                table: "Recharges",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LastErrorAtUtc",
                table: "Recharges",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LateCheckedAtUtc",
                table: "Recharges",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OfferPacksRefused",
                table: "ProviderStates",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "RechargeContradictions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RechargeId = table.Column<long>(type: "INTEGER", nullable: false),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UpstreamReference = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    BooksSay = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ProviderSays = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    ProviderSaysDelivered = table.Column<bool>(type: "INTEGER", nullable: false),
                    AtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Resolution = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    ResolvedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ResolvedByEmail = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ResolutionNote = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RechargeContradictions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RechargeContradictions_Recharges_RechargeId",
                        column: x => x.RechargeId,
                        principalTable: "Recharges",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Recharges_LateCheck",
                table: "Recharges",
                column: "CompletedAtUtc",
                filter: "LateCheckedAtUtc IS NULL AND CompletedAtUtc IS NOT NULL");

            migrationBuilder.AddCheckConstraint(
                name: "CK_Recharges_Commission",
                table: "Recharges",
                sql: "CommissionPoisha >= 0 AND CommissionPoisha <= AmountPoisha");

            migrationBuilder.CreateIndex(
                name: "IX_RechargeAttempts_OneNotRejected",
                table: "RechargeAttempts",
                column: "RechargeId",
                unique: true,
                filter: "Outcome <> 'Rejected'");

            migrationBuilder.AddCheckConstraint(
                name: "CK_OfferPacks_Commission",
                table: "OfferPacks",
                sql: "CommissionPoisha >= 0 AND CommissionPoisha <= PricePoisha");

            migrationBuilder.AddCheckConstraint(
                name: "CK_LedgerEntries_KindRecharge",
                table: "LedgerEntries",
                sql: "(Kind IN ('RechargeHold', 'RechargeRefund', 'Commission')) = (RechargeId IS NOT NULL) OR (Kind = 'Adjustment')");

            migrationBuilder.AddCheckConstraint(
                name: "CK_LedgerEntries_KindSign",
                table: "LedgerEntries",
                sql: "(Kind IN ('Deposit', 'RechargeRefund') AND AmountPoisha > 0) OR (Kind IN ('Withdrawal', 'RechargeHold') AND AmountPoisha < 0) OR (Kind = 'Commission' AND AmountPoisha >= 0) OR (Kind = 'Adjustment' AND AmountPoisha <> 0)");

            migrationBuilder.CreateIndex(
                name: "IX_RechargeContradictions_Open",
                table: "RechargeContradictions",
                column: "RechargeId",
                unique: true,
                filter: "Resolution IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_RechargeContradictions_RechargeId",
                table: "RechargeContradictions",
                column: "RechargeId");

            migrationBuilder.AddForeignKey(
                name: "FK_LedgerEntries_Recharges_RechargeId",
                table: "LedgerEntries",
                column: "RechargeId",
                principalTable: "Recharges",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            // Recharges settled before this version get no late check; those in review are asked again at once.
            migrationBuilder.Sql("UPDATE Recharges SET LateCheckedAtUtc = CompletedAtUtc WHERE CompletedAtUtc IS NOT NULL;");
            migrationBuilder.Sql("UPDATE Recharges SET NextCheckAtUtc = UpdatedAtUtc WHERE Status = 'NeedsReview' AND NextCheckAtUtc IS NULL;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_LedgerEntries_Recharges_RechargeId",
                table: "LedgerEntries");

            migrationBuilder.DropTable(
                name: "RechargeContradictions");

            migrationBuilder.DropIndex(
                name: "IX_Recharges_LateCheck",
                table: "Recharges");

            migrationBuilder.DropCheckConstraint(
                name: "CK_Recharges_Commission",
                table: "Recharges");

            migrationBuilder.DropIndex(
                name: "IX_RechargeAttempts_OneNotRejected",
                table: "RechargeAttempts");

            migrationBuilder.DropCheckConstraint(
                name: "CK_OfferPacks_Commission",
                table: "OfferPacks");

            migrationBuilder.DropCheckConstraint(
                name: "CK_LedgerEntries_KindRecharge",
                table: "LedgerEntries");

            migrationBuilder.DropCheckConstraint(
                name: "CK_LedgerEntries_KindSign",
                table: "LedgerEntries");

            migrationBuilder.DropColumn(
                name: "LastError",
                table: "Recharges");

            migrationBuilder.DropColumn(
                name: "LastErrorAtUtc",
                table: "Recharges");

            migrationBuilder.DropColumn(
                name: "LateCheckedAtUtc",
                table: "Recharges");

            migrationBuilder.DropColumn(
                name: "OfferPacksRefused",
                table: "ProviderStates");
        }
    }
}
