using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Pipeline.Grains.RemoteWrite;
using Pipeline.Tests.Support;
using Xunit;
using static Pipeline.Tests.RemoteWrite.RemoteWriteTestSeries;

namespace Pipeline.Tests.RemoteWrite;

/// <summary><c>tls_config</c> against a receiver speaking HTTPS with a certificate for 127.0.0.1 from a CA made for the test.</summary>
public sealed class RemoteWriteTlsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task A_receiver_certificate_from_ca_file_is_trusted_and_the_client_certificate_is_presented()
    {
        var (authority, server, client) = Certificates();
        await using var receiver = await RemoteWriteReceiver.StartAsync(server, askClientCertificate: true);
        var ca = Write("ca.pem", authority.ExportCertificatePem());
        var cert = Write("tls.crt", client.ExportCertificatePem());
        var key = Write("tls.key", client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var options = new RemoteWriteOptions { Url = receiver.WriteUrl, Http = new() { TlsCaFile = ca, TlsCertFile = cert, TlsKeyFile = key }, Queue = new() { MaxShards = 1 } };

        await using (var queue = new RemoteWriteQueue(options, $"Pipeline.Tests.RemoteWrite.{Guid.NewGuid():N}"))
        {
            queue.TryEnqueue(new RemoteWriteSample(Series("up"), 1_764_064_800_000, 1));
            await queue.StopAsync();
            Assert.Equal(1, queue.Counters.SamplesSent);
        }

        Assert.Equal("https", receiver.WriteUrl.Scheme);
        Assert.Equal("CN=pipeline-remote-write", Assert.Single(receiver.Requests).Headers["x-client-certificate"]);
    }

    [Fact]
    public async Task Without_the_ca_the_receiver_is_not_trusted_unless_insecure_skip_verify()
    {
        var (_, server, _) = Certificates();
        await using var receiver = await RemoteWriteReceiver.StartAsync(server);
        var strict = new RemoteWriteOptions { Url = receiver.WriteUrl, Queue = new() { MaxShards = 1, MinBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(5) } };
        var insecure = new RemoteWriteOptions { Url = receiver.WriteUrl, Http = new() { TlsInsecureSkipVerify = true }, Queue = new() { MaxShards = 1 } };

        await using (var queue = new RemoteWriteQueue(strict, $"Pipeline.Tests.RemoteWrite.{Guid.NewGuid():N}"))
        {
            queue.TryEnqueue(new RemoteWriteSample(Series("up"), 1_764_064_800_000, 1));
            using var deadline = new CancellationTokenSource();
            var stop = queue.StopAsync(deadline.Token);
            await Eventually.Until(() => Task.FromResult(queue.Counters.FailedRequests), n => n >= 2, "failed TLS handshakes");
            await deadline.CancelAsync();
            await stop;
            Assert.Equal((0L, 1L), (queue.Counters.SamplesSent, queue.Counters.SamplesDroppedShutdown));
        }

        Assert.Empty(receiver.Requests);

        await using (var queue = new RemoteWriteQueue(insecure, $"Pipeline.Tests.RemoteWrite.{Guid.NewGuid():N}"))
        {
            queue.TryEnqueue(new RemoteWriteSample(Series("up"), 1_764_064_800_000, 1));
            await queue.StopAsync();
            Assert.Equal(1, queue.Counters.SamplesSent);
        }
    }

    public void Dispose() => _directory.Dispose();

    private string Write(string name, string text)
    {
        var path = _directory.Combine(name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (X509Certificate2 Authority, X509Certificate2 Server, X509Certificate2 Client) Certificates()
    {
        var now = DateTimeOffset.UtcNow;
        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=Remote Write Test CA", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        authorityRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(authorityRequest.PublicKey, false));
        var authority = authorityRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        var server = Issue(authority, "CN=127.0.0.1", "1.3.6.1.5.5.7.3.1", names.Build(), [1, 2, 3, 4], now);
        var client = Issue(authority, "CN=pipeline-remote-write", "1.3.6.1.5.5.7.3.2", null, [5, 6, 7, 8], now);
        return (authority, server, client);
    }

    private static X509Certificate2 Issue(X509Certificate2 authority, string subject, string usage, X509Extension? names, byte[] serial, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        if (names is not null)
        {
            request.CertificateExtensions.Add(names);
        }

        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        using var signed = request.Create(authority, now.AddDays(-1), now.AddDays(29), serial);
        using var withKey = signed.CopyWithPrivateKey(key);
        // Through PKCS#12 so the key is usable by the TLS stack.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
