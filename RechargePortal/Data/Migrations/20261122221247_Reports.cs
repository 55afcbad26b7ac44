using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RechargePortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class Reports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Recharges_CreatedAtUtc",
                table: "Recharges");

            migrationBuilder.AddColumn<DateOnly>(
                name: "BusinessDay",
                table: "Recharges",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateOnly(1, 1, 1));

            // Recharges placed before this column existed: their Bangladesh day (UTC+6, no daylight saving).
            migrationBuilder.Sql("UPDATE Recharges SET BusinessDay = date(CreatedAtUtc, '+6 hours');");

            migrationBuilder.CreateIndex(
                name: "IX_Recharges_Report",
                table: "Recharges",
                columns: new[] { "CreatedAtUtc", "BusinessDay", "Status", "Operator", "NumberType", "Provider", "ResellerId", "Number", "AmountPoisha", "CommissionPoisha" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Recharges_Report",
                table: "Recharges");

            migrationBuilder.DropColumn(
                name: "BusinessDay",
                table: "Recharges");

            migrationBuilder.CreateIndex(
                name: "IX_Recharges_CreatedAtUtc",
                table: "Recharges",
                column: "CreatedAtUtc");
        }
    }
}
