using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Pipeline.Grains.Http;

/// <summary>Trust in a server certificate by a configured CA file, for every HTTP client of the pipeline.</summary>
public static class TlsTrust
{
    /// <summary>The certificates of a PEM bundle or a single DER file.</summary>
    public static X509Certificate2Collection LoadCertificates(string path)
    {
        var collection = new X509Certificate2Collection();
        var bytes = File.ReadAllBytes(path);
        if (System.Text.Encoding.ASCII.GetString(bytes).Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            collection.ImportFromPemFile(path);
        }
        else
        {
            collection.Add(X509CertificateLoader.LoadCertificate(bytes));
        }

        if (collection.Count == 0)
        {
            throw new InvalidOperationException($"ca_file: '{path}' holds no certificate");
        }

        return collection;
    }

    /// <summary>
    /// Trusts a server certificate that chains to one of <paramref name="authorities"/> (as
    /// well as one the system already trusts). A wrong host name is never accepted.
    /// </summary>
    public static bool IsTrusted(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, X509Certificate2Collection authorities)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0 || certificate is not X509Certificate2 leaf)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.CustomTrustStore.AddRange(authorities);
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(leaf);
    }
}
