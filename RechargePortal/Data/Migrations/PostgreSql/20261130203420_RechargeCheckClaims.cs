using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RechargePortal.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class RechargeCheckClaims : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CheckClaimedBy",
                table: "Recharges",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "CheckClaimedUntilUtc",
                table: "Recharges",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CheckClaimedBy",
                table: "Recharges");

            migrationBuilder.DropColumn(
                name: "CheckClaimedUntilUtc",
                table: "Recharges");
        }
    }
}
