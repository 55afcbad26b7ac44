using System.Security.Cryptography;

namespace RechargePortal.Security;

/// <summary>
/// The 256-bit key-encryption key of the Data Protection key ring: from <c>Security:KeyRingKey</c>, or else from a key
/// file outside the database (made on first start). Where it came from may be logged; the bytes never are.
/// </summary>
public sealed class KeyRingKey
{
    public const int Length = 32;

    private readonly byte[] bytes;

    internal KeyRingKey(byte[] bytes, string source)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"A key-ring key is {Length} bytes.", nameof(bytes));
        }

        this.bytes = bytes;
        Source = source;
    }

    /// <summary>Where the key came from, for logs and messages: the setting's name or the file's path.</summary>
    public string Source { get; }

    internal ReadOnlySpan<byte> Bytes => bytes;

    public override string ToString() => $"key-ring key from {Source}";

    public static bool TryParse(string? base64, out byte[] key)
    {
        key = [];
        if (string.IsNullOrWhiteSpace(base64))
        {
            return false;
        }

        var buffer = new byte[Length + 3];
        if (!Convert.TryFromBase64String(base64.Trim(), buffer, out var written) || written != Length)
        {
            return false;
        }

        key = buffer[..Length];
        return true;
    }

    /// <summary>A fresh random key that lives as long as the process (for an in-memory database, whose keys do too).</summary>
    internal static KeyRingKey Ephemeral() => new(RandomNumberGenerator.GetBytes(Length), "a random key of this process");

    /// <summary>
    /// The configured key, or the key file's (created now if missing). Throws with a message an operator can act on
    /// when the setting or the file is not a 32-byte key.
    /// </summary>
    internal static KeyRingKey Load(KeyRingOptions options, string? defaultKeyFile, string contentRoot, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(options.KeyRingKey))
        {
            if (!TryParse(options.KeyRingKey, out var configured))
            {
                throw new InvalidOperationException(
                    $"Security:KeyRingKey must be the base64 of exactly {Length} bytes; the configured value is not (it is not shown here).");
            }

            logger.LogInformation("Data Protection keys are encrypted at rest with the key from Security:KeyRingKey.");
            return new KeyRingKey(configured, "Security:KeyRingKey");
        }

        var file = string.IsNullOrWhiteSpace(options.KeyRingKeyFile) ? defaultKeyFile : options.KeyRingKeyFile;
        if (file is null)
        {
            logger.LogInformation("Data Protection keys are encrypted with a random key of this process (the database is in memory).");
            return Ephemeral();
        }

        if (!Path.IsPathRooted(file))
        {
            file = Path.Combine(contentRoot, file);
        }

        if (TryCreateKeyFile(file))
        {
            logger.LogWarning(
                "Created the key-ring key file {KeyFile}: Data Protection keys in the database are encrypted with it. " +
                "Back it up apart from the database; without it, everyone must sign in again. Several instances need Security:KeyRingKey.",
                file);
        }
        else
        {
            logger.LogInformation("Data Protection keys are encrypted at rest with the key file {KeyFile}.", file);
        }

        return new KeyRingKey(ReadKeyFile(file), file);
    }

    /// <summary>Makes the key file with owner-only permissions, unless it exists (another instance may have just made it).</summary>
    private static bool TryCreateKeyFile(string file)
    {
        if (File.Exists(file))
        {
            return false;
        }

        if (Path.GetDirectoryName(file) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Created 0600 from the first byte, not loosened later.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var stream = new FileStream(file, options);
            stream.Write(RandomNumberGenerator.GetBytes(Length));
            stream.Flush(flushToDisk: true);
        }
        catch (IOException) when (File.Exists(file))
        {
            return false;
        }

        if (!OperatingSystem.IsWindows())
        {
            // The process umask could only have narrowed the create mode; make it exactly owner read/write.
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return true;
    }

    private static byte[] ReadKeyFile(string file)
    {
        var bytes = File.ReadAllBytes(file);
        if (bytes.Length != Length)
        {
            throw new InvalidOperationException(
                $"The key-ring key file {file} holds {bytes.Length} bytes, not {Length}: restore it from its backup, " +
                "or set Security:KeyRingKey (a new key means every Data Protection key is unreadable and everyone signs in again).");
        }

        return bytes;
    }
}
