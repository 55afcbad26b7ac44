using System.ComponentModel.DataAnnotations;

namespace RechargePortal.Security;

/// <summary>
/// The key that encrypts the Data Protection key ring at rest, section <c>Security</c> (beside <see cref="SecurityOptions"/>).
/// It never lives in the database the key ring is stored in, so a copied database cannot forge cookies.
/// </summary>
public sealed class KeyRingOptions : IValidatableObject
{
    public const string Section = "Security";

    /// <summary>
    /// Base64 of 32 random bytes (<c>openssl rand -base64 32</c>), from an environment variable or secret store.
    /// Every instance sharing the database needs the same value. Never logged.
    /// </summary>
    public string? KeyRingKey { get; set; }

    /// <summary>
    /// Where the key is kept when <see cref="KeyRingKey"/> is not set: created with 32 random bytes on first start
    /// (owner-only permissions) and read on later starts. Default: beside the SQLite file (<c>portal.db.keyring-key</c>).
    /// </summary>
    public string? KeyRingKeyFile { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // The value itself is never put in the message: it is a secret, and start-up errors are logged.
        if (!string.IsNullOrWhiteSpace(KeyRingKey) && !RechargePortal.Security.KeyRingKey.TryParse(KeyRingKey, out _))
        {
            yield return new ValidationResult(
                $"Security:KeyRingKey must be the base64 of exactly {RechargePortal.Security.KeyRingKey.Length} bytes " +
                "(for example the output of `openssl rand -base64 32`); the configured value is not (it is not shown here).",
                [nameof(KeyRingKey)]);
        }
    }
}
