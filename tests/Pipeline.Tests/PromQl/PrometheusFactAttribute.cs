using Xunit;

namespace Pipeline.Tests.PromQl;

/// <summary>A fact that needs Debian's Prometheus at /usr/bin/prometheus: skipped, saying so, where it is not installed.</summary>
public sealed class PrometheusFactAttribute : FactAttribute
{
    public const string Binary = "/usr/bin/prometheus";

    public PrometheusFactAttribute()
    {
        if (!File.Exists(Binary))
        {
            Skip = $"{Binary} is missing: install Debian's prometheus package (apt-get install prometheus), as .ci/run does, to run the differential tests.";
        }
    }
}
