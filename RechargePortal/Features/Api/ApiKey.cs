using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RechargePortal.Data;

namespace RechargePortal.Features.Api;

/// <summary>
/// A reseller's key to the API. Only the SHA-256 of the key is kept (the key itself is shown once); the callback signing
/// secret is kept encrypted with Data Protection, because the portal must compute its HMAC later.
/// </summary>
public sealed class ApiKey
{
    public const int MaxActivePerReseller = 5;
    public const int MaxNameLength = 64;
    public const int MaxCallbackUrlLength = 500;

    public long Id { get; private set; }
    public string UserId { get; private set; } = "";
    public PortalUser? User { get; private set; }
    public string Name { get; private set; } = "";
    /// <summary>The key's first 8 characters, so its owner can tell keys apart.</summary>
    public string Prefix { get; private set; } = "";
    /// <summary>Lower-case hex SHA-256 of the whole key.</summary>
    public string Hash { get; private set; } = "";
    public DateTime CreatedAtUtc { get; private set; }
    public DateTime? LastUsedAtUtc { get; private set; }
    public DateTime? RevokedAtUtc { get; private set; }
    /// <summary>Addresses and CIDR networks, one a line, as <see cref="ApiAllowList"/> normalized them; empty = any address.</summary>
    public string AllowList { get; private set; } = "";
    public string? CallbackUrl { get; private set; }
    /// <summary>The signing secret, protected with the "ApiKeys.SigningSecret" data protector. Never shown again.</summary>
    public string ProtectedSigningSecret { get; private set; } = "";

    private ApiKey()
    {
    }

    public bool IsActive => RevokedAtUtc is null;

    public static ApiKey Create(
        string userId, string name, string key, ApiAllowList allowList, string? callbackUrl, string protectedSigningSecret, DateTime nowUtc) => new()
        {
            UserId = userId,
            Name = name,
            Prefix = key[..8],
            Hash = ApiKeySecrets.HashOf(key),
            CreatedAtUtc = nowUtc,
            AllowList = allowList.ToString(),
            CallbackUrl = callbackUrl,
            ProtectedSigningSecret = protectedSigningSecret,
        };

    public void Revoke(DateTime nowUtc)
    {
        if (RevokedAtUtc is not null)
        {
            throw new InvalidOperationException("This key is already revoked.");
        }

        RevokedAtUtc = nowUtc;
    }
}

/// <summary>Making keys and secrets, and the hash a key is found by.</summary>
public static class ApiKeySecrets
{
    public const string KeyPrefix = "rpk_";

    /// <summary>A new key: <c>rpk_</c> and 256 random bits in base64url.</summary>
    public static string NewKey() => KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>A new signing secret: 256 random bits as 64 hex characters (the HMAC key is this text as UTF-8).</summary>
    public static string NewSigningSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>The addresses a key may be used from: IPv4/IPv6 addresses and CIDR networks, one a line. Empty allows any.</summary>
public sealed class ApiAllowList
{
    public const int MaxEntries = 50;

    private readonly IReadOnlyList<IPNetwork> networks;

    private ApiAllowList(IReadOnlyList<IPNetwork> networks) => this.networks = networks;

    public static readonly ApiAllowList Any = new([]);

    public IReadOnlyList<IPNetwork> Networks => networks;

    public bool AllowsAny => networks.Count == 0;

    /// <summary>Parses the text a reseller typed; <paramref name="error"/> names the first bad line.</summary>
    public static bool TryParse(string? text, out ApiAllowList allowList, out string? error)
    {
        allowList = Any;
        error = null;
        var parsed = new List<IPNetwork>();
        var lines = (text ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in lines)
        {
            if (!TryParseEntry(line, out var network))
            {
                error = Localization.Ui.Text("\"{0}\" is not an IPv4/IPv6 address or a CIDR network (such as 203.0.113.0/24, with no bits set after the prefix).", Shorten(line));
                return false;
            }

            if (!parsed.Contains(network))
            {
                parsed.Add(network);
            }
        }

        if (parsed.Count > MaxEntries)
        {
            error = Localization.Ui.Text("At most {0} addresses or networks.", Localization.Display.Number(MaxEntries));
            return false;
        }

        allowList = new ApiAllowList(parsed);
        return true;
    }

    /// <summary>The stored form, already validated (a bad line would be a bug: it throws).</summary>
    public static ApiAllowList FromStored(string stored) =>
        TryParse(stored, out var list, out var error) ? list : throw new FormatException(error);

    public bool Allows(IPAddress? address)
    {
        if (AllowsAny)
        {
            return true;
        }

        if (address is null)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return networks.Any(n => n.Contains(address));
    }

    public override string ToString() => string.Join('\n', networks.Select(Format));

    private static string Format(IPNetwork network) =>
        network.PrefixLength == (network.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
            ? network.BaseAddress.ToString()
            : network.ToString();

    private static bool TryParseEntry(string entry, out IPNetwork network)
    {
        network = default;
        if (entry.Contains('/', StringComparison.Ordinal))
        {
            // "203.0.113.7/24" is refused, not quietly read as 203.0.113.0/24: the reseller may have meant either.
            return IPNetwork.TryParse(entry, out network)
                && IPAddress.TryParse(entry[..entry.IndexOf('/', StringComparison.Ordinal)], out var given) && given.Equals(network.BaseAddress);
        }

        if (!IPAddress.TryParse(entry, out var address) || (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0))
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        network = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }

    private static string Shorten(string line) => line.Length <= 50 ? line : line[..50] + "…";
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> key)
    {
        key.ToTable("ApiKeys");
        key.Property(k => k.Name).HasMaxLength(ApiKey.MaxNameLength);
        key.Property(k => k.Prefix).HasMaxLength(8);
        key.Property(k => k.Hash).HasMaxLength(64);
        key.HasIndex(k => k.Hash).IsUnique();
        key.HasIndex(k => k.UserId);
        key.Property(k => k.AllowList).HasMaxLength(4000);
        key.Property(k => k.CallbackUrl).HasMaxLength(ApiKey.MaxCallbackUrlLength);
        key.Property(k => k.ProtectedSigningSecret).HasMaxLength(1000);
        key.HasOne(k => k.User).WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}
