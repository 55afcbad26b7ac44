using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace RechargePortal.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class BalanceRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "BalanceRequests",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RequesterId = table.Column<string>(type: "text", nullable: false),
                    ApproverId = table.Column<string>(type: "text", nullable: true),
                    AmountPoisha = table.Column<long>(type: "bigint", nullable: false),
                    Method = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    PaidFrom = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TransactionId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TransactionKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Note = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ClientRequestId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    DecidedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DecidedById = table.Column<string>(type: "text", nullable: true),
                    DecidedByEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    RejectionReason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BalanceRequests", x => x.Id);
                    table.CheckConstraint("CK_BalanceRequests_Amount", "\"AmountPoisha\" > 0");
                    table.CheckConstraint("CK_BalanceRequests_Decision", "(\"Status\" = 'Pending' AND \"DecidedAtUtc\" IS NULL AND \"RejectionReason\" IS NULL) OR (\"Status\" = 'Approved' AND \"DecidedAtUtc\" IS NOT NULL AND \"RejectionReason\" IS NULL) OR (\"Status\" = 'Rejected' AND \"DecidedAtUtc\" IS NOT NULL AND \"RejectionReason\" IS NOT NULL)");
                    table.ForeignKey(
                        name: "FK_BalanceRequests_AspNetUsers_ApproverId",
                        column: x => x.ApproverId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_BalanceRequests_AspNetUsers_DecidedById",
                        column: x => x.DecidedById,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_BalanceRequests_AspNetUsers_RequesterId",
                        column: x => x.RequesterId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_BalanceRequests_ApproverId_Status",
                table: "BalanceRequests",
                columns: new[] { "ApproverId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_BalanceRequests_ClientRequestId",
                table: "BalanceRequests",
                column: "ClientRequestId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_BalanceRequests_DecidedById",
                table: "BalanceRequests",
                column: "DecidedById");

            migrationBuilder.CreateIndex(
                name: "IX_BalanceRequests_Method_TransactionKey",
                table: "BalanceRequests",
                columns: new[] { "Method", "TransactionKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_BalanceRequests_RequesterId_Id",
                table: "BalanceRequests",
                columns: new[] { "RequesterId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BalanceRequests");
        }
    }
}
