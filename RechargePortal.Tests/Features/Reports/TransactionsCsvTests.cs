using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Reports;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Reports;

/// <summary><c>/reports/transactions.csv</c> over HTTP, as an auditor's browser downloads it.</summary>
public sealed class TransactionsCsvTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private async Task<HttpClient> AuditorAsync() =>
        await app.SignedInClientAsync(await app.CreateUserAsync(Roles.Auditor), PortalAppFactory.UserPassword);

    [Fact]
    public async Task The_export_has_a_header_and_one_escaped_row_per_recharge_of_the_whole_filter()
    {
        var (reseller, wallet) = await app.CreateFundedResellerAsync(Money.Zero);
        await using (var db = await app.DbAsync())
        {
            // A name a spreadsheet would otherwise run as a formula, with a comma and quotes in it.
            await db.Users.Where(u => u.Id == reseller).ExecuteUpdateAsync(s => s.SetProperty(u => u.FullName, "=HYPERLINK(\"evil\"), Shop"));
            var start = ReportData.Dhaka(2025, 10, 1, 23, 30);
            await ReportData.AddAsync(db, [.. Enumerable.Range(0, 120).Select(i => ReportData.Recharge(
                reseller, wallet, start.AddMinutes(i * 7), 20 + i, i % 10 == 0 ? RechargeStatus.Failed : RechargeStatus.Succeeded,
                commissionPoisha: 50, operatorTrxId: i == 0 ? null : $"TX,{i}"))]);
        }

        var client = await AuditorAsync();
        var response = await client.GetAsync($"/reports/transactions.csv?from=2025-10-01&to=2025-10-31&reseller={reseller}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("transactions-20251001-20251031.csv", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes.Take(3));
        var lines = ParseCsv(Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));

        Assert.Equal(TransactionsCsv.Header.Split(','), lines[0]);
        Assert.Equal(121, lines.Count);
        Assert.All(lines, l => Assert.Equal(lines[0].Length, l.Length));
        var first = lines[1];
        Assert.Equal("2025-10-01 23:30:00", first[1]);
        Assert.Equal("'=HYPERLINK(\"evil\"), Shop", first[3]);
        Assert.Equal(["01712345678", "Grameenphone", "Prepaid", "20.00", "0.00", "Failed (refunded)", "Ecare"], first[4..11]);
        Assert.Equal(["21.00", "0.50", "Successful", "Ecare", "TX,1"], lines[2][7..12]);
        Assert.Equal(120, lines.Skip(1).Select(l => l[0]).Distinct().Count());
        Assert.Equal(108 * 50, lines.Skip(1).Sum(l => (long)(decimal.Parse(l[8], System.Globalization.CultureInfo.InvariantCulture) * 100)));

        // The same filter narrowed by status: only those rows.
        var failed = ParseCsv(await client.GetStringAsync($"/reports/transactions.csv?from=2025-10-01&to=2025-10-31&reseller={reseller}&status=Failed+(refunded)"));
        Assert.Equal(13, failed.Count);
    }

    [Fact]
    public async Task A_bad_filter_gets_a_problem_answer()
    {
        var client = await AuditorAsync();

        var response = await client.GetAsync("/reports/transactions.csv?from=2025-10-31&to=2025-10-01");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("The last day is before the first day.", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/reports/transactions.csv?from=2025-10-01&to=2025-10-31&operator=Jio")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/reports/transactions.csv")).StatusCode);
    }

    [Fact]
    public async Task A_reseller_exports_only_their_own_subtree_and_admins_everything()
    {
        var otherEmail = await app.CreateUserAsync(Roles.Reseller);
        string other;
        await using (var db = await app.DbAsync())
        {
            other = db.Users.Single(u => u.Email == otherEmail).Id;
        }

        var reseller = await app.SignedInClientAsync(await app.CreateUserAsync(Roles.Reseller), PortalAppFactory.UserPassword);
        Assert.StartsWith("\uFEFFReference,", await reseller.GetStringAsync("/reports/transactions.csv?from=2025-10-01&to=2025-10-31"));
        var denied = await reseller.GetAsync($"/reports/transactions.csv?from=2025-10-01&to=2025-10-31&reseller={other}");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.DoesNotContain("Reference,", await denied.Content.ReadAsStringAsync());

        var admin = await app.SignedInClientAsync(PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
        Assert.StartsWith("\uFEFFReference,", await admin.GetStringAsync($"/reports/transactions.csv?from=2025-10-01&to=2025-10-31&reseller={other}"));
    }

    [Fact]
    public async Task The_export_writes_rows_as_it_reads_them()
    {
        // Rows go straight from the reader to the stream: the writer sees them one at a time.
        static async IAsyncEnumerable<TransactionRow> Rows(int count)
        {
            for (var i = 0; i < count; i++)
            {
                await Task.Yield();
                yield return new TransactionRow(i, $"RC{i}", new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), "r@x", "R", "01712345678",
                    MobileOperator.Grameenphone, NumberType.Prepaid, Money.FromTaka(20), Money.Zero, RechargeStatus.Succeeded, "Ecare", null, null, null);
            }
        }

        var output = new CountingStream();
        await TransactionsCsv.WriteAsync(Rows(50_000), output, CancellationToken.None);

        Assert.True(output.Writes > 10, $"{output.Writes} writes: the export was buffered whole instead of streamed");
        Assert.True(output.LargestWrite <= 128 * 1024, $"a single write of {output.LargestWrite} bytes");
    }

    private sealed class CountingStream : Stream
    {
        public int Writes { get; private set; }
        public int LargestWrite { get; private set; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => 0;
        public override long Position { get; set; }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Record(count);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Record(buffer.Length);
            return ValueTask.CompletedTask;
        }

        private void Record(int count)
        {
            Writes++;
            LargestWrite = Math.Max(LargestWrite, count);
        }
    }

    /// <summary>RFC 4180: quoted cells, doubled quotes, commas and line breaks inside quotes.</summary>
    internal static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\n')
            {
                row.Add(cell.ToString().TrimEnd('\r'));
                cell.Clear();
                rows.Add([.. row]);
                row.Clear();
            }
            else if (c != '\uFEFF')
            {
                cell.Append(c);
            }
        }

        if (cell.Length > 0 || row.Count > 0)
        {
            row.Add(cell.ToString());
            rows.Add([.. row]);
        }

        return rows;
    }
}
