using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RechargePortal.Components.Shared;
using RechargePortal.Data;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Security;

namespace RechargePortal.Features.Demo;

/// <summary>What <see cref="DemoSeeder"/> makes: how many, over how long, from which random seed.</summary>
public sealed record DemoSeedOptions
{
    public int Recharges { get; init; } = 10_000;
    public int Resellers { get; init; } = 50;
    /// <summary>Recharges are spread over this many Bangladesh days, the last one being today (up to now).</summary>
    public int Days { get; init; } = 90;
    /// <summary>Set: the same data every time (on the same empty database); null: different every run.</summary>
    public int? Seed { get; init; }
    /// <summary>"Now" for the data (tests); null: the app's clock.</summary>
    public DateTime? NowUtc { get; init; }
    /// <summary>Recharges per transaction, at least: a commit waits for a moment with nothing in flight.</summary>
    public int BatchSize { get; init; } = 50_000;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Recharges is < 1 or > 50_000_000)
        {
            errors.Add("--recharges must be 1 to 50,000,000.");
        }

        if (Resellers is < 1 or > 10_000)
        {
            errors.Add("--resellers must be 1 to 10,000.");
        }

        if (Days is < 1 or > 3_650)
        {
            errors.Add("--days must be 1 to 3,650.");
        }

        return errors;
    }
}

public sealed record DemoReseller(string UserId, long WalletId, string Email, string FullName, string Plan);

public sealed record DemoSeedResult(
    IReadOnlyList<DemoReseller> Resellers, int Recharges, long LedgerEntries, int Deposits, int BalanceReadings,
    IReadOnlyDictionary<RechargeStatus, int> ByStatus, DateOnly FirstDay, DateOnly LastDay, DateTime NowUtc, TimeSpan Elapsed);

/// <summary>
/// Fills a database with realistic demo data: resellers who can sign in, deposits, and recharges
/// over the last days as the recharge pipeline would have left them (built with the real state
/// machine and commission calculator), each with its attempt and ledger entries, plus provider
/// balance readings for the reconciliation report. Rows go in through prepared SQLite commands in
/// large transactions; each commit happens at a moment with no recharge awaiting its commission or
/// refund, so whatever is committed keeps every ledger invariant. Running it again adds another
/// batch with new resellers (reseller051@demo.local on), never reusing a reference or request id.
/// </summary>
public sealed class DemoSeeder(
    IServiceScopeFactory scopes,
    IDbContextFactory<PortalDbContext> dbs,
    ProviderRegistry providers,
    IOptions<RechargeOptions> rechargeOptions,
    TimeProvider time)
{
    public const string ResellerPassword = "Demo-Reseller-1234";
    public const string EmailDomain = "demo.local";
    public const string StandardPlan = "Demo standard";
    public const string GoldPlan = "Demo gold";
    public const string RetailPlan = "Demo retail";

    public static string EmailOf(int n) => string.Create(CultureInfo.InvariantCulture, $"reseller{n:D3}@{EmailDomain}");

    public async Task<DemoSeedResult> SeedAsync(DemoSeedOptions options, Action<string>? progress = null, CancellationToken ct = default)
    {
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        var clock = Stopwatch.StartNew();
        var report = progress ?? (_ => { });
        var now = options.NowUtc ?? time.GetUtcNow().UtcDateTime;
        var providerNames = providers.All.Select(p => p.Name).ToList();
        if (providerNames.Count == 0)
        {
            throw new InvalidOperationException("No providers are configured (section Providers): demo recharges need at least one.");
        }

        var random = options.Seed is { } seed ? new Random(seed) : new Random();
        var today = DateOnly.FromDateTime(DhakaTime.FromUtc(now));
        var firstDay = today.AddDays(1 - options.Days);
        var periodStartUtc = DhakaTime.StartOfDayUtc(firstDay);

        await using var setupDb = await dbs.CreateDbContextAsync(ct);
        if (!setupDb.Database.IsSqlite())
        {
            throw new InvalidOperationException(
                "seed-demo writes its rows straight into a SQLite file (a million recharges in seconds); run it with Database:Provider=Sqlite.");
        }

        var connectionString = setupDb.Database.GetConnectionString()
            ?? throw new InvalidOperationException("The portal database has no connection string.");
        var plans = await EnsurePlansAsync(setupDb, periodStartUtc, ct);
        var admin = await FindAdminAsync(setupDb, ct);
        var resellers = await CreateResellersAsync(options.Resellers, plans, admin, periodStartUtc, random, report, ct);

        SqliteConnection.ClearAllPools();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        // Only while seeding, only this connection: no fsync, a big page cache, and a rollback journal instead of
        // WAL so new pages are written once, not to the WAL and again at the checkpoint. A process that dies
        // mid-batch leaves a hot journal that SQLite rolls back on the next open; the app turns WAL back on at start.
        await ExecuteAsync(connection, "PRAGMA busy_timeout=30000; PRAGMA synchronous=OFF; PRAGMA cache_size=-1048576; PRAGMA temp_store=MEMORY;", ct);
        await ExecuteAsync(connection, "PRAGMA journal_mode=DELETE;", ct);
        int readings;
        SeedRun run;
        try
        {
            run = new SeedRun(this, connection, options, random, now, periodStartUtc, providerNames, resellers, admin, report);
            run.Generate(ct);

            report("Writing provider balance readings...");
            readings = await WriteProviderReadingsAsync(connection, providerNames, firstDay, today, now, random, ct);
            report("Updating query statistics (ANALYZE)...");
            await ExecuteAsync(connection, "ANALYZE;", ct);
        }
        finally
        {
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", CancellationToken.None);
        }

        return new DemoSeedResult(
            resellers.Select(r => new DemoReseller(r.UserId, r.WalletId, r.Email, r.FullName, r.Plan.Name)).ToList(),
            options.Recharges, run.LedgerEntries, run.Deposits, readings, run.ByStatus, firstDay, today, now, clock.Elapsed);
    }

    /// <summary>
    /// Demo resellers only (accounts, wallets, plans; no recharges), through EF and Identity: on either database. The
    /// served benchmarks use it for their clients.
    /// </summary>
    public async Task<IReadOnlyList<DemoReseller>> ResellersOnlyAsync(int count, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var setupDb = await dbs.CreateDbContextAsync(ct);
        var plans = await EnsurePlansAsync(setupDb, now, ct);
        var admin = await FindAdminAsync(setupDb, ct);
        var resellers = await CreateResellersAsync(count, plans, admin, now, new Random(15), _ => { }, ct);
        return resellers.Select(r => new DemoReseller(r.UserId, r.WalletId, r.Email, r.FullName, r.Plan.Name)).ToList();
    }

    // ---- Setup through EF and Identity (a handful of rows) ----

    private static readonly (MobileOperator Op, NumberType Type, int Bp)[] StandardRates =
    [
        (MobileOperator.Grameenphone, NumberType.Prepaid, 250), (MobileOperator.Grameenphone, NumberType.Postpaid, 100),
        (MobileOperator.Grameenphone, NumberType.Skitto, 200), (MobileOperator.Grameenphone, NumberType.PowerLoad, 275),
        (MobileOperator.Robi, NumberType.Prepaid, 275), (MobileOperator.Robi, NumberType.Postpaid, 100), (MobileOperator.Robi, NumberType.PowerLoad, 275),
        (MobileOperator.Banglalink, NumberType.Prepaid, 280), (MobileOperator.Banglalink, NumberType.Postpaid, 100), (MobileOperator.Banglalink, NumberType.PowerLoad, 280),
        (MobileOperator.Airtel, NumberType.Prepaid, 290), (MobileOperator.Airtel, NumberType.Postpaid, 100), (MobileOperator.Airtel, NumberType.PowerLoad, 290),
        (MobileOperator.Teletalk, NumberType.Prepaid, 300), (MobileOperator.Teletalk, NumberType.Postpaid, 125), (MobileOperator.Teletalk, NumberType.PowerLoad, 300),
    ];

    internal sealed record Plans(CommissionPlan Standard, CommissionPlan Gold, CommissionPlan Retail, CommissionPlan Default);

    private static async Task<Plans> EnsurePlansAsync(PortalDbContext db, DateTime createdUtc, CancellationToken ct)
    {
        async Task<CommissionPlan> Ensure(string name, int extraBp)
        {
            var plan = await db.CommissionPlans.Include(p => p.Rates).SingleOrDefaultAsync(p => p.Name == name, ct);
            if (plan is null)
            {
                plan = CommissionPlan.Create(name, PackCommissionMode.VendorPackCommission, createdUtc);
                foreach (var (op, type, bp) in StandardRates)
                {
                    plan.SetRate(op, type, new CommissionRateValue(bp + extraBp));
                }

                db.CommissionPlans.Add(plan);
                await db.SaveChangesAsync(ct);
            }

            return plan;
        }

        var standard = await Ensure(StandardPlan, 0);
        var gold = await Ensure(GoldPlan, 50);
        var retail = await Ensure(RetailPlan, -50);
        var fallback = await db.CommissionPlans.Include(p => p.Rates).FirstOrDefaultAsync(p => p.IsDefault, ct)
                       ?? CommissionPlan.Create("None", PackCommissionMode.PlanRate, createdUtc);
        return new Plans(standard, gold, retail, fallback);
    }

    internal sealed record AdminActor(string? Id, string Email);

    private static async Task<AdminActor> FindAdminAsync(PortalDbContext db, CancellationToken ct)
    {
        var admin = await db.UserRoles
            .Join(db.Roles.Where(r => r.Name == Roles.Admin), ur => ur.RoleId, r => r.Id, (ur, r) => ur.UserId)
            .Join(db.Users, id => id, u => u.Id, (id, u) => new { u.Id, u.Email, u.CreatedAtUtc })
            .OrderBy(u => u.CreatedAtUtc).FirstOrDefaultAsync(ct);
        return admin is null ? new AdminActor(null, "system") : new AdminActor(admin.Id, admin.Email ?? "system");
    }

    /// <param name="Parent">The index, in the same batch, of the reseller this one hangs under; null for a top-level reseller.</param>
    internal sealed record Reseller(string UserId, long WalletId, string Email, string FullName, CommissionPlan Plan, int? Parent = null);

    /// <summary>
    /// Where the <paramref name="index"/>-th (0-based) reseller of a batch hangs, in groups of ten: a distributor (gold), two
    /// dealers under it (standard), three retailers under the dealers (retail), and four independent shops directly under
    /// the admins. Each level's plan pays no more than the level above, as the tree requires.
    /// </summary>
    internal static (int? Parent, bool CanCreate, string Level) TreePlace(int index)
    {
        var group = index - (index % 10);
        return (index % 10) switch
        {
            0 => (null, true, "distributor"),
            1 or 2 => (group, true, "dealer"),
            3 or 5 => (group + 1, false, "retailer"),
            4 => (group + 2, false, "retailer"),
            _ => (null, false, "independent"),
        };
    }

    private static readonly string[] ShopNames =
    [
        "Rahim", "Karim", "Shapla", "Padma", "Meghna", "Jamuna", "Sonali", "Rupali", "Bismillah", "Madina", "Al-Amin", "Nayeem",
        "Hasan", "Shohag", "Mukta", "Bondhu", "Tanvir", "Sumon", "Rana", "Lipi", "Nur", "Maa", "Babul", "Khokon", "Shuvo", "Joy",
    ];

    private static readonly string[] ShopKinds =
    [
        "Telecom", "Store", "Mobile Point", "Flexiload Centre", "Enterprise", "Traders", "Communication", "Electronics", "Digital Centre", "Variety Store",
    ];

    private static readonly string[] Places =
    [
        "Mirpur", "Uttara", "Gazipur", "Savar", "Narayanganj", "Cumilla", "Sylhet", "Bogura", "Khulna", "Rajshahi", "Chattogram", "Mymensingh",
        "Jashore", "Barishal", "Rangpur", "Tongi", "Keraniganj", "Dhanmondi", "Mohammadpur", "Badda", "Feni", "Noakhali", "Tangail", "Dinajpur",
    ];

    /// <summary>Accounts and wallets for the new demo resellers, numbered on from the last existing one.</summary>
    private async Task<List<Reseller>> CreateResellersAsync(
        int count, Plans plans, AdminActor admin, DateTime periodStartUtc, Random random, Action<string> report, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var pattern = $"%@{EmailDomain}";
        var existing = await db.Users.Where(u => u.Email != null && EF.Functions.Like(u.Email, "reseller%") && EF.Functions.Like(u.Email, pattern))
            .Select(u => u.Email!).ToListAsync(ct);
        var last = existing.Select(e => int.TryParse(e["reseller".Length..e.IndexOf('@')], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .DefaultIfEmpty(0).Max();
        if (last > 0)
        {
            report($"Demo resellers exist up to {EmailOf(last)}: adding a new batch from {EmailOf(last + 1)}.");
        }

        // One hash for all: PBKDF2 is slow on purpose, and every demo account shares the documented password.
        var hash = users.PasswordHasher.HashPassword(new PortalUser(), ResellerPassword);
        var created = new List<Reseller>();
        for (var i = 1; i <= count; i++)
        {
            var n = last + i;
            var email = EmailOf(n);
            var fullName = $"{ShopNames[random.Next(ShopNames.Length)]} {ShopKinds[random.Next(ShopKinds.Length)]}, {Places[random.Next(Places.Length)]}";
            var createdAt = periodStartUtc.AddDays(-random.Next(7, 120)).AddMinutes(random.Next(9 * 60, 18 * 60));
            var (parent, canCreate, level) = TreePlace(i - 1);
            var user = new PortalUser
            {
                UserName = email,
                Email = email,
                EmailConfirmed = true,
                FullName = fullName,
                CreatedAtUtc = createdAt,
                PasswordHash = hash,
                ParentId = parent is { } p ? created[p].UserId : null,
                CanCreateSubResellers = canCreate,
            };
            var result = await users.CreateAsync(user);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"Could not create {email}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
            }

            await users.AddToRoleAsync(user, Roles.Reseller);
            // In the tree: gold distributors, standard dealers, retail retailers. Independent shops: most on the standard
            // demo plan, a few on gold, one in twenty on the default plan.
            var plan = level switch
            {
                "distributor" => plans.Gold,
                "dealer" => plans.Standard,
                "retailer" => plans.Retail,
                _ => n % 20 == 7 ? plans.Default : n % 7 == 3 ? plans.Gold : plans.Standard,
            };
            var wallet = Wallet.OpenFor(user.Id, createdAt);
            wallet.CommissionPlanId = plan == plans.Default ? null : plan.Id;
            db.Wallets.Add(wallet);
            db.AuditEntries.Add(AuditEntry.Create(createdAt, admin.Id, admin.Email, AuditActions.UserCreated, AuditTargets.User, user.Id, email,
                parent is { } under ? $"role Reseller under {created[under].Email}" : "role Reseller"));
            await db.SaveChangesAsync(ct);
            created.Add(new Reseller(user.Id, wallet.Id, email, fullName, plan, parent));
        }

        report($"Created {count} demo resellers ({EmailOf(last + 1)} to {EmailOf(last + count)}), password {ResellerPassword}.");
        return created;
    }

    // ---- Provider balance readings ----

    /// <summary>
    /// One reading per provider before the first day and at the end of every day (today: now), so that
    /// on most days the balance falls by exactly the day's successful sales through that provider.
    /// Two days per provider have an unexplained extra deduction, and the balance is topped up when it
    /// runs low: those days show as differences. Sales are read back from the database (all recharges,
    /// not only this batch), and a reading is placed after any reading already recorded for that day,
    /// so the last reading of each day is this one.
    /// </summary>
    private static async Task<int> WriteProviderReadingsAsync(
        SqliteConnection connection, IReadOnlyList<string> providerNames, DateOnly firstDay, DateOnly today, DateTime nowUtc, Random random, CancellationToken ct)
    {
        var periodStart = DhakaTime.StartOfDayUtc(firstDay);
        var sales = new Dictionary<(string Provider, DateOnly Day), long>();
        await using (var query = connection.CreateCommand())
        {
            query.CommandText = """
                SELECT Provider, BusinessDay, SUM(AmountPoisha) FROM Recharges
                WHERE CreatedAtUtc >= $from AND CreatedAtUtc < $to AND Status = 'Succeeded' AND Provider IS NOT NULL
                GROUP BY Provider, BusinessDay
                """;
            query.Parameters.AddWithValue("$from", SqlValue(periodStart));
            query.Parameters.AddWithValue("$to", SqlValue(DhakaTime.StartOfDayUtc(today.AddDays(1))));
            await using var reader = await query.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                sales[(reader.GetString(0), DateOnly.ParseExact(reader.GetString(1), "yyyy-MM-dd", CultureInfo.InvariantCulture))] = reader.GetInt64(2);
            }
        }

        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await using var latest = connection.CreateCommand();
        latest.Transaction = tx;
        latest.CommandText = "SELECT MAX(AtUtc) FROM ProviderBalanceHistory WHERE Provider = $p AND AtUtc >= $from AND AtUtc < $to";
        var pName = latest.Parameters.Add("$p", SqliteType.Text);
        var pFrom = latest.Parameters.Add("$from", SqliteType.Text);
        var pTo = latest.Parameters.Add("$to", SqliteType.Text);
        await using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = "INSERT INTO ProviderBalanceHistory (Provider, AtUtc, BalancePoisha) VALUES ($p, $at, $b)";
        var iName = insert.Parameters.Add("$p", SqliteType.Text);
        var iAt = insert.Parameters.Add("$at", SqliteType.Text);
        var iBalance = insert.Parameters.Add("$b", SqliteType.Integer);

        async Task<bool> ReadAsync(string provider, DateTime desired, DateTime windowStart, DateTime windowEnd, long balance)
        {
            pName.Value = provider;
            pFrom.Value = SqlValue(windowStart);
            pTo.Value = SqlValue(windowEnd);
            var at = desired;
            if (await latest.ExecuteScalarAsync(ct) is string last)
            {
                var lastAt = DateTime.Parse(last, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
                at = lastAt >= at ? lastAt.AddTicks(10) : at;
            }

            if (at >= windowEnd)
            {
                return false;
            }

            iName.Value = provider;
            iAt.Value = SqlValue(at);
            iBalance.Value = balance;
            await insert.ExecuteNonQueryAsync(ct);
            return true;
        }

        var written = 0;
        var days = today.DayNumber - firstDay.DayNumber + 1;
        foreach (var provider in providerNames)
        {
            var total = Enumerable.Range(0, days).Sum(i => sales.GetValueOrDefault((provider, firstDay.AddDays(i))));
            var perDay = Math.Max(total / days, 100_00);
            const long step = 10_000_00; // balances are topped up in round ৳10,000s
            static long RoundUp(long poisha) => (poisha + step - 1) / step * step;
            var balance = RoundUp(perDay * 3);
            var mismatchDays = new HashSet<int> { days * 3 / 10, days * 7 / 10 };
            var owed = 0L;
            written += await ReadAsync(provider, periodStart.AddMinutes(-5), DateTime.MinValue, periodStart, balance) ? 1 : 0;
            for (var i = 0; i < days; i++)
            {
                var day = firstDay.AddDays(i);
                var sold = sales.GetValueOrDefault((provider, day));
                if (mismatchDays.Contains(i))
                {
                    owed += random.Next(500, 5_000) * 100L + random.Next(1, 100);
                }

                // About six days' sales when it runs below a day and a half; an unexplained deduction waits for a day without one.
                var topUp = balance < perDay * 3 / 2 || balance < sold ? RoundUp(Math.Max(perDay * 6, sold + perDay)) : 0;
                var unexplained = topUp == 0 && owed > 0 && day != today && balance - sold >= owed ? owed : 0;
                owed -= unexplained;
                balance += topUp - sold - unexplained;
                var start = DhakaTime.StartOfDayUtc(day);
                var end = DhakaTime.StartOfDayUtc(day.AddDays(1));
                var at = day == today ? (nowUtc.AddSeconds(-30) > start ? nowUtc.AddSeconds(-30) : start.AddSeconds(1)) : end.AddSeconds(-1);
                written += await ReadAsync(provider, at, start, end, balance) ? 1 : 0;
            }
        }

        await tx.CommitAsync(ct);
        return written;
    }

    /// <summary>A value as EF Core stores it in SQLite: times as <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c> text, dates as <c>yyyy-MM-dd</c>, flags as 0/1.</summary>
    internal static object SqlValue(object? value) => value switch
    {
        null => DBNull.Value,
        DateTime t => SqlText(t),
        DateOnly d => d.ToString(@"yyyy\-MM\-dd", CultureInfo.InvariantCulture),
        bool b => b ? 1L : 0L,
        _ => value,
    };

    /// <summary><c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c> (trailing zeros of the fraction dropped), written by hand: the seed formats millions.</summary>
    internal static string SqlText(DateTime t)
    {
        var fraction = (int)(t.Ticks % TimeSpan.TicksPerSecond);
        var digits = 7;
        while (fraction != 0 && fraction % 10 == 0)
        {
            fraction /= 10;
            digits--;
        }

        return string.Create(fraction == 0 ? 19 : 20 + digits, (t, fraction), static (span, state) =>
        {
            var (t, fraction) = state;
            Digits(span[..4], t.Year);
            span[4] = '-';
            Digits(span[5..7], t.Month);
            span[7] = '-';
            Digits(span[8..10], t.Day);
            span[10] = ' ';
            Digits(span[11..13], t.Hour);
            span[13] = ':';
            Digits(span[14..16], t.Minute);
            span[16] = ':';
            Digits(span[17..19], t.Second);
            if (span.Length > 19)
            {
                span[19] = '.';
                Digits(span[20..], fraction);
            }
        });

        static void Digits(Span<char> to, int value)
        {
            for (var i = to.Length - 1; i >= 0; i--)
            {
                to[i] = (char)('0' + value % 10);
                value /= 10;
            }
        }
    }

    internal static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(ct);
    }

    internal RechargeOptions RechargeSettings => rechargeOptions.Value;
}
