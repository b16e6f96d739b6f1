using System.Buffers;
using System.Text;
using Pipeline.Grains.Metrics.PromQl;
using Pipeline.Grains.Scraping.Relabeling;
using Xunit;

namespace Pipeline.Tests.PromQl;

public sealed class PromQlJsonWriterTests
{
    [Theory]
    [InlineData(1, "1")]
    [InlineData(-0.0, "-0")]
    [InlineData(0.1, "0.1")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    [InlineData(123456789.125, "123456789.125")]
    [InlineData(1e15, "1000000000000000")]
    [InlineData(1.5e20, "150000000000000000000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(-2.5e22, "-2.5e+22")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(0.0000015, "0.0000015")]
    [InlineData(1e-7, "1e-07")]
    [InlineData(1.2345e-100, "1.2345e-100")]
    [InlineData(double.MaxValue, "1.7976931348623157e+308")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    public void Values_are_formatted_as_prometheus_formats_them(double value, string expected) =>
        Assert.Equal(expected, PromQlJsonWriter.FormatValue(value));

    [Fact]
    public void A_vector_has_metric_objects_and_a_value_pair_with_the_time_in_seconds()
    {
        var result = PromQlResult.OfVector(1_700_000_000_050, [new PromQlSample(LabelSet.Of("__name__", "up", "job", "a \"b\" ü"), 1), new PromQlSample(LabelSet.Empty, double.NaN)]);
        Assert.Equal(
            """{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"a \"b\" ü"},"value":[1700000000.050,"1"]},{"metric":{},"value":[1700000000.050,"NaN"]}]}}""",
            PromQlJsonWriter.ToJson(result));
    }

    [Fact]
    public void A_matrix_has_values_arrays()
    {
        var result = PromQlResult.OfMatrix(0, [new PromQlSeries(LabelSet.Of("a", "1"), [1000, 1500, -2], [0.5, -1e-7, 2])]);
        Assert.Equal(
            """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"1"},"values":[[1,"0.5"],[1.500,"-1e-07"],[-0.002,"2"]]}]}}""",
            PromQlJsonWriter.ToJson(result));
    }

    [Fact]
    public void Empty_results_are_empty_arrays() =>
        Assert.Equal("""{"status":"success","data":{"resultType":"vector","result":[]}}""", PromQlJsonWriter.ToJson(PromQlResult.OfVector(0, [])));

    [Fact]
    public void Scalars_and_strings_carry_their_time_as_a_plain_float()
    {
        Assert.Equal("""{"status":"success","data":{"resultType":"scalar","result":[1700000000.05,"+Inf"]}}""", PromQlJsonWriter.ToJson(PromQlResult.OfScalar(1_700_000_000_050, double.PositiveInfinity)));
        Assert.Equal("""{"status":"success","data":{"resultType":"string","result":[12,"x\ny"]}}""", PromQlJsonWriter.ToJson(PromQlResult.OfString(12_000, "x\ny")));
    }

    [Fact]
    public void Errors_have_status_type_and_message()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var error = Assert.Throws<PromQlException>(() => PromQlParser.Parse("sum("));
        PromQlJsonWriter.WriteError(buffer, error.ErrorType, error.Message);
        Assert.Equal("""{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected end of input, expected an expression"}""", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
