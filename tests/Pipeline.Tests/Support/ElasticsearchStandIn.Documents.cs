using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Pipeline.Tests.Support;

/// <summary>
/// The single-document APIs: index (<c>PUT|POST /{index}/_doc/{id}</c>, <c>POST /{index}/_doc</c>,
/// <c>/{index}/_create/{id}</c>), delete and get. Writes take <c>refresh</c>,
/// <c>op_type</c>, <c>if_seq_no</c> and <c>if_primary_term</c> as a bulk item does; a get is
/// real-time (it sees writes no refresh has made searchable yet) unless <c>realtime=false</c>.
/// </summary>
public sealed partial class ElasticsearchStandIn
{
    private void IndexDocument(string index, string? id, string action, IQueryCollection query, byte[] body, Answer answer)
    {
        if (query.TryGetValue("op_type", out var opType))
        {
            if (opType.ToString() is not ("create" or "index"))
            {
                answer.Error(400, "illegal_argument_exception", $"opType must be 'create' or 'index', found: [{opType}]");
                return;
            }

            action = opType.ToString();
        }

        if (body.Length == 0)
        {
            answer.Error(400, "action_request_validation_exception", "Validation Failed: 1: source is missing;");
            return;
        }

        var write = new ElasticsearchStandInWrite(action, index, id)
        {
            SourceText = Encoding.UTF8.GetString(body),
            IfSeqNo = LongParameter(query, "if_seq_no"),
            IfPrimaryTerm = LongParameter(query, "if_primary_term"),
            Pipeline = query.TryGetValue("pipeline", out var pipeline) ? pipeline.ToString() : null,
        };
        WriteDocument(write, query, answer);
    }

    private void DeleteDocument(string index, string id, IQueryCollection query, Answer answer)
    {
        lock (_gate)
        {
            if (!_indices.ContainsKey(index))
            {
                answer.IndexNotFound(index);
                return;
            }
        }

        var write = new ElasticsearchStandInWrite("delete", index, id)
        {
            IfSeqNo = LongParameter(query, "if_seq_no"),
            IfPrimaryTerm = LongParameter(query, "if_primary_term"),
        };
        WriteDocument(write, query, answer);
    }

    private void WriteDocument(ElasticsearchStandInWrite write, IQueryCollection query, Answer answer)
    {
        if (!TryParseRefreshPolicy(query, answer, out var refresh))
        {
            return;
        }

        Task? wait;
        lock (_gate)
        {
            Apply(write);
            wait = ApplyRefreshPolicy(refresh, [write]);
        }

        if (write.Error is { } error)
        {
            answer.Error(error.Status, error.Type, error.Reason, ("index_uuid", "c3RhbmRpbi1pbmRleA"), ("shard", "0"), ("index", write.Index));
            return;
        }

        answer.Json(write.Status, w =>
        {
            w.WriteStartObject();
            WriteOutcome(w, write, withStatus: false);
            w.WriteEndObject();
        });
        answer.WaitBeforeAnswering(wait);
    }

    /// <summary><c>GET|HEAD /{index}/_doc/{id}</c>.</summary>
    private void GetDocument(string index, string id, IQueryCollection query, Answer answer)
    {
        var realtime = query["realtime"].ToString() != "false";
        ElasticsearchStandInDocument? document;
        lock (_gate)
        {
            if (!_indices.TryGetValue(index, out var target))
            {
                answer.IndexNotFound(index);
                return;
            }

            (realtime ? target.Documents : target.Searchable).TryGetValue(id, out document);
        }

        answer.Json(document is null ? 404 : 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("_index", index);
            w.WriteString("_id", id);
            if (document is not null)
            {
                w.WriteNumber("_version", document.Version);
                w.WriteNumber("_seq_no", document.SeqNo);
                w.WriteNumber("_primary_term", 1);
                w.WriteBoolean("found", true);
                w.WritePropertyName("_source");
                document.Source.WriteTo(w);
            }
            else
            {
                w.WriteBoolean("found", false);
            }

            w.WriteEndObject();
        });
    }

    private static long? LongParameter(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var value) ? long.Parse(value.ToString(), CultureInfo.InvariantCulture) : null;
}
