using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RechargePortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class OfferPackProvider : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "OfferPackProvider",
                table: "Recharges",
                type: "TEXT",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "OfferPackProvider",
                table: "Recharges");
        }
    }
}
