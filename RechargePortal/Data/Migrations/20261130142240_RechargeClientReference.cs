using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RechargePortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class RechargeClientReference : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ClientReference",
                table: "Recharges",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Recharges_ResellerId_ClientReference",
                table: "Recharges",
                columns: new[] { "ResellerId", "ClientReference" },
                unique: true,
                filter: "ClientReference IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Recharges_ResellerId_ClientReference",
                table: "Recharges");

            migrationBuilder.DropColumn(
                name: "ClientReference",
                table: "Recharges");
        }
    }
}
