using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RechargePortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class Providers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "OfferPacks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Operator = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    NumberType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    OfferType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    PricePoisha = table.Column<long>(type: "INTEGER", nullable: false),
                    CommissionPoisha = table.Column<long>(type: "INTEGER", nullable: false),
                    Minutes = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Internet = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Sms = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    CallRate = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Validity = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Details = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    IsActive = table.Column<bool>(type: "INTEGER", nullable: false),
                    FirstSeenAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OfferPacks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ProviderBalanceHistory",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    AtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    BalancePoisha = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProviderBalanceHistory", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ProviderStates",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Paused = table.Column<bool>(type: "INTEGER", nullable: false),
                    LastBalancePoisha = table.Column<long>(type: "INTEGER", nullable: true),
                    LastBalanceAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    OfferPacksRefreshedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProviderStates", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "UpstreamCalls",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Operation = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Request = table.Column<string>(type: "TEXT", maxLength: 2068, nullable: false),
                    HttpStatus = table.Column<int>(type: "INTEGER", nullable: true),
                    Reply = table.Column<string>(type: "TEXT", maxLength: 4116, nullable: true),
                    DurationMs = table.Column<long>(type: "INTEGER", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 520, nullable: false),
                    IsError = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UpstreamCalls", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_OfferPacks_IsActive_Operator",
                table: "OfferPacks",
                columns: new[] { "IsActive", "Operator" });

            migrationBuilder.CreateIndex(
                name: "IX_OfferPacks_Provider_Operator_NumberType_PricePoisha",
                table: "OfferPacks",
                columns: new[] { "Provider", "Operator", "NumberType", "PricePoisha" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ProviderBalanceHistory_Provider_AtUtc",
                table: "ProviderBalanceHistory",
                columns: new[] { "Provider", "AtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_UpstreamCalls_AtUtc",
                table: "UpstreamCalls",
                column: "AtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_UpstreamCalls_Provider_AtUtc",
                table: "UpstreamCalls",
                columns: new[] { "Provider", "AtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_UpstreamCalls_Reference",
                table: "UpstreamCalls",
                column: "Reference");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "OfferPacks");

            migrationBuilder.DropTable(
                name: "ProviderBalanceHistory");

            migrationBuilder.DropTable(
                name: "ProviderStates");

            migrationBuilder.DropTable(
                name: "UpstreamCalls");
        }
    }
}
