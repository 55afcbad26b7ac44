using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace RechargePortal.Security;

public static class KeyRingProtection
{
    /// <summary>
    /// New keys are written encrypted under the <see cref="KeyRingKey"/>; keys stored unencrypted by older versions
    /// still read (Data Protection needs no decryptor for them).
    /// </summary>
    /// <param name="defaultKeyFile">The key file used when neither setting is given (beside the SQLite file); null for an in-memory database.</param>
    public static IDataProtectionBuilder ProtectKeysWithKeyRingKey(
        this IDataProtectionBuilder dataProtection, IConfiguration configuration, string contentRoot, string? defaultKeyFile)
    {
        var services = dataProtection.Services;
        services.AddOptions<KeyRingOptions>()
            .Bind(configuration.GetSection(KeyRingOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(sp => KeyRingKey.Load(
            sp.GetRequiredService<IOptions<KeyRingOptions>>().Value,
            defaultKeyFile,
            contentRoot,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<KeyRingKey>()));
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlEncryptor = new KeyRingXmlEncryptor(sp.GetRequiredService<KeyRingKey>())));
        return dataProtection;
    }
}
