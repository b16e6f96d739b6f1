using Pipeline.Grains.RemoteWrite;
using Xunit;

namespace Pipeline.Tests.RemoteWrite;

public sealed class RemoteWriteBackoffTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void Delays_double_from_min_backoff_and_stay_within_max_backoff(double random)
    {
        var backoff = new RemoteWriteBackoff(TimeSpan.FromMilliseconds(30), TimeSpan.FromSeconds(5));
        var steps = new[] { 30, 60, 120, 240, 480, 960, 1920, 3840, 5000, 5000 };

        foreach (var step in steps)
        {
            var delay = backoff.Next(null, random);
            Assert.InRange(delay.TotalMilliseconds, Math.Max(30, step / 2.0), step);
            Assert.Equal(Math.Max(30, step * (0.5 + (0.5 * random))), delay.TotalMilliseconds, 6);
        }
    }

    [Fact]
    public void Retry_after_replaces_the_step_but_the_steps_keep_growing()
    {
        var backoff = new RemoteWriteBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(30), backoff.Next(TimeSpan.FromSeconds(30), 1.0));
        Assert.Equal(TimeSpan.FromMilliseconds(200), backoff.Next(null, 1.0));
    }
}
