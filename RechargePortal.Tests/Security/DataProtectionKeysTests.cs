using System.Net;
using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Security;

/// <summary>
/// The cookie keys are the portal's, not one machine's: a restart or another instance keeps people signed in. They are
/// encrypted with a key kept outside the database, so a copy of the database alone cannot read them.
/// </summary>
public sealed class DataProtectionKeysTests
{
    private static readonly Dictionary<string, string?> NoOverrides = [];

    [Fact]
    public async Task The_key_ring_is_in_the_database_and_a_new_instance_accepts_the_sign_in_cookie_of_the_old_one()
    {
        var path = PortalAppFactory.NewDatabasePath();
        try
        {
            string cookies;
            await using (var first = new PortalAppFactory(path, NoOverrides))
            {
                cookies = await SignInCookiesAsync(first);
                await using var db = await first.DbAsync();
                Assert.NotEmpty(await db.DataProtectionKeys.AsNoTracking().ToListAsync());
            }

            await using var second = new PortalAppFactory(path, NoOverrides);

            Assert.Equal(HttpStatusCode.OK, (await GetAdminUsersAsync(second, cookies)).StatusCode);
        }
        finally
        {
            PortalAppFactory.DeleteDatabase(path);
        }
    }

    [Fact]
    public async Task Stored_keys_hold_no_plaintext_master_key_and_the_key_file_is_made_beside_the_database_owner_only()
    {
        var path = PortalAppFactory.NewDatabasePath();
        try
        {
            await using var app = new PortalAppFactory(path, NoOverrides);
            await SignInCookiesAsync(app);
            await using var db = await app.DbAsync();
            var rows = await db.DataProtectionKeys.AsNoTracking().ToListAsync();

            Assert.NotEmpty(rows);
            Assert.All(rows, row =>
            {
                Assert.DoesNotContain("<masterKey", row.Xml);
                Assert.Contains("encryptedSecret", row.Xml);
                Assert.Contains(nameof(KeyRingXmlDecryptor), row.Xml);
            });
            var keyFile = path + ".keyring-key";
            Assert.Equal(KeyRingKey.Length, new FileInfo(keyFile).Length);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            }
        }
        finally
        {
            PortalAppFactory.DeleteDatabase(path);
        }
    }

    [Fact]
    public async Task A_configured_key_is_used_instead_of_a_file_and_a_restart_with_it_keeps_the_sign_in()
    {
        var path = PortalAppFactory.NewDatabasePath();
        var settings = new Dictionary<string, string?> { ["Security:KeyRingKey"] = NewKey() };
        try
        {
            string cookies;
            await using (var first = new PortalAppFactory(path, settings))
            {
                cookies = await SignInCookiesAsync(first);
            }

            await using var second = new PortalAppFactory(path, settings);

            Assert.Equal(HttpStatusCode.OK, (await GetAdminUsersAsync(second, cookies)).StatusCode);
            Assert.False(File.Exists(path + ".keyring-key"));
        }
        finally
        {
            PortalAppFactory.DeleteDatabase(path);
        }
    }

    [Fact]
    public async Task The_database_with_another_key_cannot_read_the_key_ring_so_old_cookies_are_refused_and_new_keys_are_made()
    {
        var path = PortalAppFactory.NewDatabasePath();
        try
        {
            string cookies;
            int keysBefore;
            await using (var first = new PortalAppFactory(path, NoOverrides))
            {
                cookies = await SignInCookiesAsync(first);
                await using var db = await first.DbAsync();
                keysBefore = await db.DataProtectionKeys.CountAsync();
            }

            // The database "stolen" without its key file: the other instance has a key of its own.
            await using var other = new PortalAppFactory(path, new Dictionary<string, string?> { ["Security:KeyRingKey"] = NewKey() });

            var response = await GetAdminUsersAsync(other, cookies);

            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Contains("/Account/Login", response.Headers.Location?.OriginalString);
            var protector = other.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
            Assert.Equal("still works", protector.Unprotect(protector.Protect("still works")));
            await using var db2 = await other.DbAsync();
            Assert.True(await db2.DataProtectionKeys.CountAsync() > keysBefore);
            // Signing in again works with the new key.
            await SignInCookiesAsync(other);
        }
        finally
        {
            PortalAppFactory.DeleteDatabase(path);
        }
    }

    [Fact]
    public async Task Keys_stored_unencrypted_by_an_older_version_still_read_and_new_keys_are_encrypted()
    {
        var path = PortalAppFactory.NewDatabasePath();
        try
        {
            string cookies;
            // An older portal: the same key ring in the database, no encryptor.
            await using (var older = new PortalAppFactory(path, NoOverrides, configureServices: services =>
                services.Configure<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(o => o.XmlEncryptor = null)))
            {
                cookies = await SignInCookiesAsync(older);
                await using var db = await older.DbAsync();
                Assert.All(await db.DataProtectionKeys.AsNoTracking().ToListAsync(), row => Assert.Contains("<masterKey", row.Xml));
            }

            await using var current = new PortalAppFactory(path, NoOverrides);

            Assert.Equal(HttpStatusCode.OK, (await GetAdminUsersAsync(current, cookies)).StatusCode);
            var manager = current.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.KeyManagement.IKeyManager>();
            manager.CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));
            await using var after = await current.DbAsync();
            var newest = await after.DataProtectionKeys.AsNoTracking().OrderByDescending(k => k.Id).FirstAsync();
            Assert.DoesNotContain("<masterKey", newest.Xml);
            Assert.Contains(nameof(KeyRingXmlDecryptor), newest.Xml);
        }
        finally
        {
            PortalAppFactory.DeleteDatabase(path);
        }
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("c2hvcnQ=")]
    public async Task A_configured_key_that_is_not_32_bytes_of_base64_stops_the_start_without_showing_it(string badKey)
    {
        await using var factory = new PortalAppFactory(null, new Dictionary<string, string?> { ["Security:KeyRingKey"] = badKey });

        var error = Assert.ThrowsAny<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("Security:KeyRingKey must be the base64 of exactly 32 bytes", error.Message);
        Assert.DoesNotContain(badKey, error.Message);
    }

    [Fact]
    public void A_key_file_of_the_wrong_length_stops_the_start_with_its_path()
    {
        var file = Path.Combine(Path.GetTempPath(), $"rp-test-{Guid.NewGuid():N}.keyring-key");
        File.WriteAllBytes(file, new byte[5]);
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() =>
                KeyRingKey.Load(new KeyRingOptions { KeyRingKeyFile = file }, null, Path.GetTempPath(), NullLogger.Instance));

            Assert.Contains(file, error.Message);
            Assert.Contains("holds 5 bytes, not 32", error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_encryptor_round_trips_with_a_fresh_nonce_and_hides_the_secret()
    {
        var key = KeyRingKey.Ephemeral();
        var secret = new XElement("masterKey", new XElement("value", "c2VjcmV0LWtleS1tYXRlcmlhbA=="));
        var encryptor = new KeyRingXmlEncryptor(key);

        var first = encryptor.Encrypt(secret);
        var second = encryptor.Encrypt(secret);

        Assert.Equal(typeof(KeyRingXmlDecryptor), first.DecryptorType);
        Assert.DoesNotContain("c2VjcmV0", first.EncryptedElement.ToString());
        Assert.NotEqual(first.EncryptedElement.Element("nonce")!.Value, second.EncryptedElement.Element("nonce")!.Value);
        Assert.Equal(12, Convert.FromBase64String(first.EncryptedElement.Element("nonce")!.Value).Length);
        var decrypted = new KeyRingXmlDecryptor(key).Decrypt(first.EncryptedElement);
        Assert.True(XNode.DeepEquals(secret, decrypted));
    }

    [Fact]
    public void A_tampered_ciphertext_or_another_key_fails_the_tag_check()
    {
        var key = KeyRingKey.Ephemeral();
        var encrypted = new KeyRingXmlEncryptor(key).Encrypt(new XElement("masterKey", new XElement("value", "AAAA"))).EncryptedElement;
        var tampered = new XElement(encrypted);
        var ciphertext = Convert.FromBase64String(tampered.Element("ciphertext")!.Value);
        ciphertext[0] ^= 1;
        tampered.Element("ciphertext")!.Value = Convert.ToBase64String(ciphertext);

        Assert.ThrowsAny<CryptographicException>(() => new KeyRingXmlDecryptor(key).Decrypt(tampered));
        var wrongKey = Assert.ThrowsAny<CryptographicException>(() => new KeyRingXmlDecryptor(KeyRingKey.Ephemeral()).Decrypt(encrypted));
        Assert.Contains("could not be decrypted", wrongKey.Message);
    }

    [Fact]
    public void The_default_key_file_sits_beside_the_sqlite_file_and_an_in_memory_database_has_none()
    {
        Assert.Equal("/var/lib/portal/portal.db.keyring-key", RechargePortal.Data.DataRegistration.KeyRingKeyFileBeside("Data Source=/var/lib/portal/portal.db"));
        Assert.Null(RechargePortal.Data.DataRegistration.KeyRingKeyFileBeside("Data Source=:memory:"));
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyRingKey.Length));

    private static async Task<string> SignInCookiesAsync(PortalAppFactory app)
    {
        var login = await PortalAppFactory.PostLoginAsync(app.CreateBrowserlikeClient(), PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return string.Join("; ", login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
    }

    private static async Task<HttpResponseMessage> GetAdminUsersAsync(PortalAppFactory app, string cookies)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = PortalAppFactory.BaseAddress, AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/users");
        request.Headers.Add("Cookie", cookies);
        return await client.SendAsync(request);
    }
}
