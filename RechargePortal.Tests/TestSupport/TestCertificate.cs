using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RechargePortal.Tests.TestSupport;

/// <summary>
/// A self-signed certificate for 127.0.0.1 and localhost, made once per test run: the real app on Kestrel serves
/// HTTPS with it, since outside Development its cookies are Secure (and antiforgery refuses plain http).
/// </summary>
public static class TestCertificate
{
    private static readonly Lazy<X509Certificate2> Certificate = new(Create);

    public static X509Certificate2 Localhost => Certificate.Value;

    /// <summary>For a test's HttpClient: trusts this certificate and no other.</summary>
    public static RemoteCertificateValidationCallback Validation => (_, certificate, _, _) =>
        certificate is X509Certificate2 x509 && x509.Thumbprint == Localhost.Thumbprint;

    private static X509Certificate2 Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        // Round-trip through PKCS#12 so the private key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }
}
