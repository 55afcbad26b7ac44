using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RechargePortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class Recharges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ProviderRoutes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Operator = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProviderRoutes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Recharges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ClientRequestId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ResellerId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    WalletId = table.Column<long>(type: "INTEGER", nullable: false),
                    Number = table.Column<string>(type: "TEXT", maxLength: 11, nullable: false),
                    Operator = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    NumberType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    AmountPoisha = table.Column<long>(type: "INTEGER", nullable: false),
                    CommissionPoisha = table.Column<long>(type: "INTEGER", nullable: false),
                    OfferPack = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    OutcomeKnown = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SubmittedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CompletedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DeadlineUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    NextCheckAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ChecksDone = table.Column<int>(type: "INTEGER", nullable: false),
                    LastCheckAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastCheckOutcome = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    OperatorTrxId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    StatusReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ResellerNote = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    ResolvedByEmail = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ResolutionNote = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Recharges", x => x.Id);
                    table.CheckConstraint("CK_Recharges_Amount", "AmountPoisha > 0");
                    table.ForeignKey(
                        name: "FK_Recharges_AspNetUsers_ResellerId",
                        column: x => x.ResellerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Recharges_Wallets_WalletId",
                        column: x => x.WalletId,
                        principalTable: "Wallets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "RechargeAttempts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RechargeId = table.Column<long>(type: "INTEGER", nullable: false),
                    Sequence = table.Column<int>(type: "INTEGER", nullable: false),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UpstreamReference = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    OutcomeDetail = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    UpstreamTrxId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    CompletedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RechargeAttempts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RechargeAttempts_Recharges_RechargeId",
                        column: x => x.RechargeId,
                        principalTable: "Recharges",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ProviderRoutes_Operator_Position",
                table: "ProviderRoutes",
                columns: new[] { "Operator", "Position" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ProviderRoutes_Operator_Provider",
                table: "ProviderRoutes",
                columns: new[] { "Operator", "Provider" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RechargeAttempts_RechargeId_Sequence",
                table: "RechargeAttempts",
                columns: new[] { "RechargeId", "Sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RechargeAttempts_UpstreamReference",
                table: "RechargeAttempts",
                column: "UpstreamReference",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Recharges_ClientRequestId",
                table: "Recharges",
                column: "ClientRequestId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Recharges_CreatedAtUtc",
                table: "Recharges",
                column: "CreatedAtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_Recharges_Number_CreatedAtUtc",
                table: "Recharges",
                columns: new[] { "Number", "CreatedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Recharges_Reference",
                table: "Recharges",
                column: "Reference",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Recharges_ResellerId_CreatedAtUtc",
                table: "Recharges",
                columns: new[] { "ResellerId", "CreatedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Recharges_Status_NextCheckAtUtc",
                table: "Recharges",
                columns: new[] { "Status", "NextCheckAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Recharges_WalletId",
                table: "Recharges",
                column: "WalletId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ProviderRoutes");

            migrationBuilder.DropTable(
                name: "RechargeAttempts");

            migrationBuilder.DropTable(
                name: "Recharges");
        }
    }
}
