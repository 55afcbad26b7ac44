using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace RechargePortal.Security;

/// <summary>
/// Encrypts a Data Protection key's secret with AES-256-GCM under the <see cref="KeyRingKey"/> before it is stored:
/// a fresh 96-bit nonce per key, a 128-bit tag, and the format version as associated data.
/// </summary>
public sealed class KeyRingXmlEncryptor(KeyRingKey key) : IXmlEncryptor
{
    internal const string ElementName = "aesGcmEncryptedSecret";
    internal const string Version = "1";
    internal const int NonceSize = 12;
    internal const int TagSize = 16;
    internal static readonly byte[] AssociatedData = Encoding.ASCII.GetBytes("RechargePortal key ring v" + Version);

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagSize];
        try
        {
            using var aes = new AesGcm(key.Bytes, TagSize);
            aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }

        var element = new XElement(ElementName,
            new XAttribute("algorithm", "AES-256-GCM"),
            new XAttribute("version", Version),
            new XComment(" Encrypted with Security:KeyRingKey (or its key file), which is not stored in this database. "),
            new XElement("nonce", Convert.ToBase64String(nonce)),
            new XElement("ciphertext", Convert.ToBase64String(ciphertext)),
            new XElement("tag", Convert.ToBase64String(tag)));
        return new EncryptedXmlInfo(element, typeof(KeyRingXmlDecryptor));
    }
}

/// <summary>
/// Reverses <see cref="KeyRingXmlEncryptor"/>. Data Protection makes it by type (with the app's services) when it reads the
/// key ring; a wrong key or an altered element fails the tag check and the key is not used.
/// </summary>
public sealed class KeyRingXmlDecryptor : IXmlDecryptor
{
    private readonly KeyRingKey key;

    public KeyRingXmlDecryptor(IServiceProvider services)
        : this(services.GetRequiredService<KeyRingKey>())
    {
    }

    internal KeyRingXmlDecryptor(KeyRingKey key) => this.key = key;

    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        if (encryptedElement.Name != KeyRingXmlEncryptor.ElementName || (string?)encryptedElement.Attribute("version") != KeyRingXmlEncryptor.Version)
        {
            throw new CryptographicException(
                $"Not a key-ring element this portal wrote: expected <{KeyRingXmlEncryptor.ElementName} version=\"{KeyRingXmlEncryptor.Version}\">.");
        }

        var nonce = ReadBase64(encryptedElement, "nonce");
        var ciphertext = ReadBase64(encryptedElement, "ciphertext");
        var tag = ReadBase64(encryptedElement, "tag");
        if (nonce.Length != KeyRingXmlEncryptor.NonceSize || tag.Length != KeyRingXmlEncryptor.TagSize)
        {
            throw new CryptographicException("A key-ring element has a nonce or tag of the wrong size.");
        }

        var plaintext = new byte[ciphertext.Length];
        try
        {
            using var aes = new AesGcm(key.Bytes, KeyRingXmlEncryptor.TagSize);
            aes.Decrypt(nonce, ciphertext, tag, plaintext, KeyRingXmlEncryptor.AssociatedData);
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new CryptographicException(
                $"A Data Protection key could not be decrypted with the {key}: it was encrypted with another key " +
                "(Security:KeyRingKey differs between instances, or the key file was replaced) or it was altered.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private static byte[] ReadBase64(XElement parent, string name)
    {
        var text = parent.Element(name)?.Value ?? throw new CryptographicException($"A key-ring element has no <{name}>.");
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException e)
        {
            throw new CryptographicException($"A key-ring element's <{name}> is not base64.", e);
        }
    }
}
