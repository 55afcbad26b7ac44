using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RechargePortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class ReportDayIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Recharges_Day",
                table: "Recharges",
                columns: new[] { "BusinessDay", "Provider", "Operator", "ResellerId", "Status", "NumberType", "Number", "AmountPoisha", "CommissionPoisha" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Recharges_Day",
                table: "Recharges");
        }
    }
}
