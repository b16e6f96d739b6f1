using Xunit;

namespace Pipeline.Tests.PromQl;

/// <summary>A theory that needs Debian's Prometheus at /usr/bin/prometheus: skipped, saying so, where it is not installed.</summary>
public sealed class PrometheusTheoryAttribute : TheoryAttribute
{
    public PrometheusTheoryAttribute()
    {
        if (!File.Exists(PrometheusFactAttribute.Binary))
        {
            Skip = $"{PrometheusFactAttribute.Binary} is missing: install Debian's prometheus package (apt-get install prometheus), as .ci/run does, to run the differential tests.";
        }
    }
}
