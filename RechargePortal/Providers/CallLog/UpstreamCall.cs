using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RechargePortal.Data;

namespace RechargePortal.Providers.CallLog;

/// <summary>One HTTP call to an upstream: what we asked (secrets masked), what came back (truncated), how long, what it meant.</summary>
public sealed class UpstreamCall : IAppendOnly
{
    public const int MaxReplyChars = 4096;
    public const int MaxRequestChars = 2048;

    public long Id { get; private set; }
    public DateTime AtUtc { get; private set; }
    public string Provider { get; private set; } = "";
    public string Operation { get; private set; } = "";
    /// <summary>Our recharge reference, for submissions and status queries.</summary>
    public string? Reference { get; private set; }
    public string Request { get; private set; } = "";
    /// <summary>Null when no HTTP reply came (timeout, dropped connection).</summary>
    public int? HttpStatus { get; private set; }
    public string? Reply { get; private set; }
    public long DurationMs { get; private set; }
    public string Outcome { get; private set; } = "";
    /// <summary>True when the outcome is an error or unknown (shown as the provider's last error).</summary>
    public bool IsError { get; private set; }

    private UpstreamCall()
    {
    }

    public static UpstreamCall Create(
        DateTime atUtc, string provider, string operation, string? reference, string request,
        int? httpStatus, string? reply, long durationMs, string outcome, bool isError) => new()
        {
            AtUtc = atUtc,
            Provider = provider,
            Operation = operation,
            Reference = reference,
            Request = Truncate(request, MaxRequestChars)!,
            HttpStatus = httpStatus,
            Reply = Truncate(reply, MaxReplyChars),
            DurationMs = durationMs,
            Outcome = Truncate(outcome, 500)!,
            IsError = isError,
        };

    /// <summary>A copy (not yet saved) with a masking function applied to every text it holds.</summary>
    public UpstreamCall Masked(Func<string, string> mask) => new()
    {
        AtUtc = AtUtc,
        Provider = Provider,
        Operation = Operation,
        Reference = Reference,
        Request = mask(Request),
        HttpStatus = HttpStatus,
        Reply = Reply is null ? null : mask(Reply),
        DurationMs = DurationMs,
        Outcome = mask(Outcome),
        IsError = IsError,
    };

    private static string? Truncate(string? text, int max) =>
        text is null || text.Length <= max ? text : text[..max] + "…[truncated]";
}

public static class UpstreamOperations
{
    public const string Submit = "Submit";
    public const string Status = "Status";
    public const string Balance = "Balance";
    public const string OfferPacks = "OfferPacks";
}

internal sealed class UpstreamCallConfiguration : IEntityTypeConfiguration<UpstreamCall>
{
    public void Configure(EntityTypeBuilder<UpstreamCall> call)
    {
        call.ToTable("UpstreamCalls");
        call.Property(c => c.Provider).HasMaxLength(64);
        call.Property(c => c.Operation).HasMaxLength(32);
        call.Property(c => c.Reference).HasMaxLength(64);
        call.Property(c => c.Request).HasMaxLength(UpstreamCall.MaxRequestChars + 20);
        call.Property(c => c.Reply).HasMaxLength(UpstreamCall.MaxReplyChars + 20);
        call.Property(c => c.Outcome).HasMaxLength(520);
        call.HasIndex(c => c.AtUtc);
        call.HasIndex(c => new { c.Provider, c.AtUtc });
        call.HasIndex(c => c.Reference);
    }
}
