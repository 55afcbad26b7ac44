using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RechargePortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class LedgerAudits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "LedgerAudits",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Wallets = table.Column<int>(type: "INTEGER", nullable: false),
                    Differences = table.Column<int>(type: "INTEGER", nullable: false),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LedgerAudits", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_LedgerAudits_AtUtc",
                table: "LedgerAudits",
                column: "AtUtc");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LedgerAudits");
        }
    }
}
