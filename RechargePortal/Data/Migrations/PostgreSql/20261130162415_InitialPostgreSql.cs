using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace RechargePortal.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class InitialPostgreSql : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AspNetRoles",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ConcurrencyStamp = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetRoles", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUsers",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    FullName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastLoginAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RequireTwoFactor = table.Column<bool>(type: "boolean", nullable: false),
                    RechargesPerMinuteLimit = table.Column<int>(type: "integer", nullable: true),
                    MustChangePassword = table.Column<bool>(type: "boolean", nullable: false),
                    ParentId = table.Column<string>(type: "text", nullable: true),
                    CanCreateSubResellers = table.Column<bool>(type: "boolean", nullable: false),
                    UserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedUserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    EmailConfirmed = table.Column<bool>(type: "boolean", nullable: false),
                    PasswordHash = table.Column<string>(type: "text", nullable: true),
                    SecurityStamp = table.Column<string>(type: "text", nullable: true),
                    ConcurrencyStamp = table.Column<string>(type: "text", nullable: true),
                    PhoneNumber = table.Column<string>(type: "text", nullable: true),
                    PhoneNumberConfirmed = table.Column<bool>(type: "boolean", nullable: false),
                    TwoFactorEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    LockoutEnd = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LockoutEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    AccessFailedCount = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUsers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetUsers_AspNetUsers_ParentId",
                        column: x => x.ParentId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "AuditLog",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ActorId = table.Column<string>(type: "text", nullable: true),
                    ActorEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TargetType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TargetId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    TargetDisplay = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Details = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditLog", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CommissionPlans",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    IsDefault = table.Column<bool>(type: "boolean", nullable: false),
                    PackMode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CommissionPlans", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FriendlyName = table.Column<string>(type: "text", nullable: true),
                    Xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "OfferPacks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Provider = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Operator = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    NumberType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    OfferType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    PricePoisha = table.Column<long>(type: "bigint", nullable: false),
                    CommissionPoisha = table.Column<long>(type: "bigint", nullable: false),
                    Minutes = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Internet = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Sms = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    CallRate = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Validity = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Details = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    IsActive = table.Column<bool>(type: "boolean", nullable: false),
                    FirstSeenAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OfferPacks", x => x.Id);
                    table.CheckConstraint("CK_OfferPacks_Commission", "\"CommissionPoisha\" >= 0 AND \"CommissionPoisha\" <= \"PricePoisha\"");
                });

            migrationBuilder.CreateTable(
                name: "ProviderBalanceHistory",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Provider = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    BalancePoisha = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProviderBalanceHistory", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ProviderRoutes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Operator = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    Provider = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProviderRoutes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ProviderStates",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Paused = table.Column<bool>(type: "boolean", nullable: false),
                    LastBalancePoisha = table.Column<long>(type: "bigint", nullable: true),
                    LastBalanceAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    OfferPacksRefreshedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    OfferPacksRefused = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProviderStates", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "UpstreamCalls",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Provider = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Operation = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Reference = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Request = table.Column<string>(type: "character varying(2068)", maxLength: 2068, nullable: false),
                    HttpStatus = table.Column<int>(type: "integer", nullable: true),
                    Reply = table.Column<string>(type: "character varying(4116)", maxLength: 4116, nullable: true),
                    DurationMs = table.Column<long>(type: "bigint", nullable: false),
                    Outcome = table.Column<string>(type: "character varying(520)", maxLength: 520, nullable: false),
                    IsError = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UpstreamCalls", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AspNetRoleClaims",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RoleId = table.Column<string>(type: "text", nullable: false),
                    ClaimType = table.Column<string>(type: "text", nullable: true),
                    ClaimValue = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetRoleClaims", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetRoleClaims_AspNetRoles_RoleId",
                        column: x => x.RoleId,
                        principalTable: "AspNetRoles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ApiKeys",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Prefix = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastUsedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RevokedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    AllowList = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    CallbackUrl = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    ProtectedSigningSecret = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiKeys", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ApiKeys_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserClaims",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    ClaimType = table.Column<string>(type: "text", nullable: true),
                    ClaimValue = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserClaims", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetUserClaims_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserLogins",
                columns: table => new
                {
                    LoginProvider = table.Column<string>(type: "text", nullable: false),
                    ProviderKey = table.Column<string>(type: "text", nullable: false),
                    ProviderDisplayName = table.Column<string>(type: "text", nullable: true),
                    UserId = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserLogins", x => new { x.LoginProvider, x.ProviderKey });
                    table.ForeignKey(
                        name: "FK_AspNetUserLogins_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserRoles",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "text", nullable: false),
                    RoleId = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserRoles", x => new { x.UserId, x.RoleId });
                    table.ForeignKey(
                        name: "FK_AspNetUserRoles_AspNetRoles_RoleId",
                        column: x => x.RoleId,
                        principalTable: "AspNetRoles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AspNetUserRoles_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserTokens",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "text", nullable: false),
                    LoginProvider = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserTokens", x => new { x.UserId, x.LoginProvider, x.Name });
                    table.ForeignKey(
                        name: "FK_AspNetUserTokens_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RefusedPlacements",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ResellerId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    AtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RefusedPlacements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RefusedPlacements_AspNetUsers_ResellerId",
                        column: x => x.ResellerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "UserSessions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastSeenAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EndedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EndReason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    IpAddress = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    UserAgent = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UserSessions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_UserSessions_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CommissionRates",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlanId = table.Column<long>(type: "bigint", nullable: false),
                    Operator = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    NumberType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    BasisPoints = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CommissionRates", x => x.Id);
                    table.CheckConstraint("CK_CommissionRates_Range", "\"BasisPoints\" >= 0 AND \"BasisPoints\" <= 10000");
                    table.ForeignKey(
                        name: "FK_CommissionRates_CommissionPlans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "CommissionPlans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Wallets",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    BalancePoisha = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CommissionPlanId = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Wallets", x => x.Id);
                    table.CheckConstraint("CK_Wallets_Balance_NotNegative", "\"BalancePoisha\" >= 0");
                    table.ForeignKey(
                        name: "FK_Wallets_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Wallets_CommissionPlans_CommissionPlanId",
                        column: x => x.CommissionPlanId,
                        principalTable: "CommissionPlans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Recharges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Reference = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ClientRequestId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ClientReference = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ApiKeyId = table.Column<long>(type: "bigint", nullable: true),
                    ResellerId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    WalletId = table.Column<long>(type: "bigint", nullable: false),
                    Number = table.Column<string>(type: "character varying(11)", maxLength: 11, nullable: false),
                    Operator = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    NumberType = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    AmountPoisha = table.Column<long>(type: "bigint", nullable: false),
                    CommissionPoisha = table.Column<long>(type: "bigint", nullable: false),
                    OfferPack = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    PackCommissionPoisha = table.Column<long>(type: "bigint", nullable: true),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    OutcomeKnown = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    BusinessDay = table.Column<DateOnly>(type: "date", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    SubmittedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CompletedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DeadlineUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    NextCheckAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ChecksDone = table.Column<int>(type: "integer", nullable: false),
                    LastCheckAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastCheckOutcome = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Provider = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    OperatorTrxId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    StatusReason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    ResellerNote = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    ResolvedByEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ResolutionNote = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    LateCheckedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastError = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    LastErrorAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Recharges", x => x.Id);
                    table.CheckConstraint("CK_Recharges_Amount", "\"AmountPoisha\" > 0");
                    table.CheckConstraint("CK_Recharges_Commission", "\"CommissionPoisha\" >= 0 AND \"CommissionPoisha\" <= \"AmountPoisha\"");
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
                name: "LedgerEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    WalletId = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    AmountPoisha = table.Column<long>(type: "bigint", nullable: false),
                    BalanceAfterPoisha = table.Column<long>(type: "bigint", nullable: false),
                    AtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ActorId = table.Column<string>(type: "text", nullable: true),
                    ActorEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Memo = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Reference = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    RechargeId = table.Column<long>(type: "bigint", nullable: true),
                    AuditEntryId = table.Column<long>(type: "bigint", nullable: true),
                    RequestId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    TransferId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LedgerEntries", x => x.Id);
                    table.CheckConstraint("CK_LedgerEntries_BalanceAfter_NotNegative", "\"BalanceAfterPoisha\" >= 0");
                    table.CheckConstraint("CK_LedgerEntries_KindRecharge", "(\"Kind\" IN ('RechargeHold', 'RechargeRefund', 'Commission')) = (\"RechargeId\" IS NOT NULL) OR (\"Kind\" = 'Adjustment')");
                    table.CheckConstraint("CK_LedgerEntries_KindSign", "(\"Kind\" IN ('Deposit', 'RechargeRefund', 'TransferIn') AND \"AmountPoisha\" > 0) OR (\"Kind\" IN ('Withdrawal', 'RechargeHold', 'TransferOut') AND \"AmountPoisha\" < 0) OR (\"Kind\" = 'Commission' AND \"AmountPoisha\" >= 0) OR (\"Kind\" = 'Adjustment' AND \"AmountPoisha\" <> 0)");
                    table.CheckConstraint("CK_LedgerEntries_KindTransfer", "(\"Kind\" IN ('TransferOut', 'TransferIn')) = (\"TransferId\" IS NOT NULL)");
                    table.ForeignKey(
                        name: "FK_LedgerEntries_Recharges_RechargeId",
                        column: x => x.RechargeId,
                        principalTable: "Recharges",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_LedgerEntries_Wallets_WalletId",
                        column: x => x.WalletId,
                        principalTable: "Wallets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "RechargeAttempts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RechargeId = table.Column<long>(type: "bigint", nullable: false),
                    Sequence = table.Column<int>(type: "integer", nullable: false),
                    Provider = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UpstreamReference = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    OutcomeDetail = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    UpstreamTrxId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    CompletedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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

            migrationBuilder.CreateTable(
                name: "RechargeCallbacks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RechargeId = table.Column<long>(type: "bigint", nullable: false),
                    ApiKeyId = table.Column<long>(type: "bigint", nullable: false),
                    EventId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Body = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    AutomaticAttempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ClaimedUntilUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DeliveredAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastStatusCode = table.Column<int>(type: "integer", nullable: true),
                    LastError = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RechargeCallbacks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RechargeCallbacks_Recharges_RechargeId",
                        column: x => x.RechargeId,
                        principalTable: "Recharges",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "RechargeContradictions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RechargeId = table.Column<long>(type: "bigint", nullable: false),
                    Provider = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UpstreamReference = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    BooksSay = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ProviderSays = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    ProviderSaysDelivered = table.Column<bool>(type: "boolean", nullable: false),
                    AtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Resolution = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    ResolvedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ResolvedByEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ResolutionNote = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
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

            migrationBuilder.CreateTable(
                name: "RechargeCallbackAttempts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CallbackId = table.Column<long>(type: "bigint", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    AtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    StatusCode = table.Column<int>(type: "integer", nullable: true),
                    Error = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    Resend = table.Column<bool>(type: "boolean", nullable: false),
                    DurationMs = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RechargeCallbackAttempts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RechargeCallbackAttempts_RechargeCallbacks_CallbackId",
                        column: x => x.CallbackId,
                        principalTable: "RechargeCallbacks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_Hash",
                table: "ApiKeys",
                column: "Hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_UserId",
                table: "ApiKeys",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetRoleClaims_RoleId",
                table: "AspNetRoleClaims",
                column: "RoleId");

            migrationBuilder.CreateIndex(
                name: "RoleNameIndex",
                table: "AspNetRoles",
                column: "NormalizedName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserClaims_UserId",
                table: "AspNetUserClaims",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserLogins_UserId",
                table: "AspNetUserLogins",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserRoles_RoleId",
                table: "AspNetUserRoles",
                column: "RoleId");

            migrationBuilder.CreateIndex(
                name: "EmailIndex",
                table: "AspNetUsers",
                column: "NormalizedEmail");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUsers_ParentId",
                table: "AspNetUsers",
                column: "ParentId");

            migrationBuilder.CreateIndex(
                name: "UserNameIndex",
                table: "AspNetUsers",
                column: "NormalizedUserName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditLog_AtUtc",
                table: "AuditLog",
                column: "AtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_AuditLog_TargetType_TargetId",
                table: "AuditLog",
                columns: new[] { "TargetType", "TargetId" });

            migrationBuilder.CreateIndex(
                name: "IX_CommissionPlans_Name",
                table: "CommissionPlans",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CommissionRates_PlanId_Operator_NumberType",
                table: "CommissionRates",
                columns: new[] { "PlanId", "Operator", "NumberType" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_OneCommissionPerRechargeAndWallet",
                table: "LedgerEntries",
                columns: new[] { "RechargeId", "WalletId" },
                unique: true,
                filter: "\"Kind\" = 'Commission'");

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_RechargeId_Kind",
                table: "LedgerEntries",
                columns: new[] { "RechargeId", "Kind" },
                unique: true,
                filter: "\"RechargeId\" IS NOT NULL AND \"Kind\" <> 'Commission'");

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_RequestId",
                table: "LedgerEntries",
                column: "RequestId",
                unique: true,
                filter: "\"RequestId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_TransferId_Kind",
                table: "LedgerEntries",
                columns: new[] { "TransferId", "Kind" },
                unique: true,
                filter: "\"TransferId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_WalletId_AtUtc",
                table: "LedgerEntries",
                columns: new[] { "WalletId", "AtUtc" });

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
                name: "IX_RechargeAttempts_OneNotRejected",
                table: "RechargeAttempts",
                column: "RechargeId",
                unique: true,
                filter: "\"Outcome\" <> 'Rejected'");

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
                name: "IX_RechargeCallbackAttempts_CallbackId_Number",
                table: "RechargeCallbackAttempts",
                columns: new[] { "CallbackId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RechargeCallbacks_ApiKeyId_Id",
                table: "RechargeCallbacks",
                columns: new[] { "ApiKeyId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_RechargeCallbacks_EventId",
                table: "RechargeCallbacks",
                column: "EventId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RechargeCallbacks_NextAttemptAtUtc",
                table: "RechargeCallbacks",
                column: "NextAttemptAtUtc",
                filter: "\"NextAttemptAtUtc\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_RechargeCallbacks_RechargeId",
                table: "RechargeCallbacks",
                column: "RechargeId");

            migrationBuilder.CreateIndex(
                name: "IX_RechargeContradictions_Open",
                table: "RechargeContradictions",
                column: "RechargeId",
                unique: true,
                filter: "\"Resolution\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_RechargeContradictions_RechargeId",
                table: "RechargeContradictions",
                column: "RechargeId");

            migrationBuilder.CreateIndex(
                name: "IX_Recharges_ClientRequestId",
                table: "Recharges",
                column: "ClientRequestId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Recharges_Day",
                table: "Recharges",
                columns: new[] { "BusinessDay", "Provider", "Operator", "ResellerId", "Status", "NumberType", "Number", "AmountPoisha", "CommissionPoisha" });

            migrationBuilder.CreateIndex(
                name: "IX_Recharges_LateCheck",
                table: "Recharges",
                column: "CompletedAtUtc",
                filter: "\"LateCheckedAtUtc\" IS NULL AND \"CompletedAtUtc\" IS NOT NULL");

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
                name: "IX_Recharges_Report",
                table: "Recharges",
                columns: new[] { "CreatedAtUtc", "BusinessDay", "Status", "Operator", "NumberType", "Provider", "ResellerId", "Number", "AmountPoisha", "CommissionPoisha" });

            migrationBuilder.CreateIndex(
                name: "IX_Recharges_ResellerId_ClientReference",
                table: "Recharges",
                columns: new[] { "ResellerId", "ClientReference" },
                unique: true,
                filter: "\"ClientReference\" IS NOT NULL");

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

            migrationBuilder.CreateIndex(
                name: "IX_RefusedPlacements_ResellerId_AtUtc",
                table: "RefusedPlacements",
                columns: new[] { "ResellerId", "AtUtc" });

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

            migrationBuilder.CreateIndex(
                name: "IX_UserSessions_UserId_CreatedAtUtc",
                table: "UserSessions",
                columns: new[] { "UserId", "CreatedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Wallets_CommissionPlanId",
                table: "Wallets",
                column: "CommissionPlanId");

            migrationBuilder.CreateIndex(
                name: "IX_Wallets_UserId",
                table: "Wallets",
                column: "UserId",
                unique: true);

            // The ledger is append-only in the database itself, as on SQLite (migration LedgerAppendOnly there).
            migrationBuilder.Sql(LedgerTriggers.CreatePostgreSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(LedgerTriggers.DropPostgreSql);

            migrationBuilder.DropTable(
                name: "ApiKeys");

            migrationBuilder.DropTable(
                name: "AspNetRoleClaims");

            migrationBuilder.DropTable(
                name: "AspNetUserClaims");

            migrationBuilder.DropTable(
                name: "AspNetUserLogins");

            migrationBuilder.DropTable(
                name: "AspNetUserRoles");

            migrationBuilder.DropTable(
                name: "AspNetUserTokens");

            migrationBuilder.DropTable(
                name: "AuditLog");

            migrationBuilder.DropTable(
                name: "CommissionRates");

            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropTable(
                name: "LedgerEntries");

            migrationBuilder.DropTable(
                name: "OfferPacks");

            migrationBuilder.DropTable(
                name: "ProviderBalanceHistory");

            migrationBuilder.DropTable(
                name: "ProviderRoutes");

            migrationBuilder.DropTable(
                name: "ProviderStates");

            migrationBuilder.DropTable(
                name: "RechargeAttempts");

            migrationBuilder.DropTable(
                name: "RechargeCallbackAttempts");

            migrationBuilder.DropTable(
                name: "RechargeContradictions");

            migrationBuilder.DropTable(
                name: "RefusedPlacements");

            migrationBuilder.DropTable(
                name: "UpstreamCalls");

            migrationBuilder.DropTable(
                name: "UserSessions");

            migrationBuilder.DropTable(
                name: "AspNetRoles");

            migrationBuilder.DropTable(
                name: "RechargeCallbacks");

            migrationBuilder.DropTable(
                name: "Recharges");

            migrationBuilder.DropTable(
                name: "Wallets");

            migrationBuilder.DropTable(
                name: "AspNetUsers");

            migrationBuilder.DropTable(
                name: "CommissionPlans");
        }
    }
}
