using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Pipeline.Grains.Outputs;
using Pipeline.Grains.Outputs.Elasticsearch;
using Pipeline.Tests.Support;
using Xunit;
using static Pipeline.Tests.Elasticsearch.ElasticsearchTestRecords;

namespace Pipeline.Tests.Elasticsearch;

/// <summary>The stand-in speaks HTTPS with a certificate for 127.0.0.1 signed by a CA made for the test.</summary>
public sealed class ElasticsearchTlsTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private ElasticsearchStandIn _es = null!;
    private string _caFile = "";

    public async Task InitializeAsync()
    {
        var (authority, server) = Certificates();
        _caFile = _directory.Combine("ca.pem");
        await File.WriteAllTextAsync(_caFile, authority.ExportCertificatePem());
        _es = await ElasticsearchStandIn.StartAsync(server);
    }

    public async Task DisposeAsync()
    {
        await _es.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task A_node_certificate_signed_by_the_configured_CA_is_trusted()
    {
        Assert.Equal("https", _es.Uri.Scheme);
        using var output = Output(Options(_es, o => o.CaFile = _caFile));

        var result = await output.WriteAsync(Records(2), CancellationToken.None);

        Assert.Equal(new OutputResult(2, 0, 0), result);
    }

    [Fact]
    public async Task Without_the_CA_the_node_is_not_trusted_and_nothing_is_sent()
    {
        using var output = Output(Options(_es));

        var failure = await Assert.ThrowsAsync<ElasticsearchRequestException>(() => output.WriteAsync(Records(2), CancellationToken.None));

        Assert.Contains("could not reach", failure.Message, StringComparison.Ordinal);
        Assert.Contains("SSL connection could not be established", failure.Message, StringComparison.Ordinal);
        Assert.Empty(_es.Requests);
    }

    [Fact]
    public async Task The_CA_does_not_excuse_a_certificate_for_another_host_name()
    {
        var byName = new UriBuilder(_es.Uri) { Host = "localhost" }.Uri;
        using var output = Output(Options(_es, o => (o.Hosts, o.CaFile) = ([byName], _caFile)));

        await Assert.ThrowsAsync<ElasticsearchRequestException>(() => output.WriteAsync(Records(2), CancellationToken.None));

        Assert.Empty(_es.Requests);
    }

    [Fact]
    public async Task Verification_can_be_turned_off()
    {
        using var output = Output(Options(_es, o => o.VerifyCertificates = false));

        Assert.Equal(2, (await output.WriteAsync(Records(2), CancellationToken.None)).Stored);
    }

    private static (X509Certificate2 Authority, X509Certificate2 Server) Certificates()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Pipeline Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var authority = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        using var signed = serverRequest.Create(authority, now.AddDays(-1), now.AddDays(29), [1, 2, 3, 4]);
        using var withKey = signed.CopyWithPrivateKey(serverKey);

        // Through PKCS#12 so the key is one the TLS stack can use on every platform.
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return (authority, server);
    }
}
