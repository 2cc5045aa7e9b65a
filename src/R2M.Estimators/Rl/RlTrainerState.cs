using R2M.MLNet.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using R2M.MLNet;

namespace R2M.Estimators.Rl;

/// <summary><c>trainer_state.json</c> of an RL checkpoint, read field by field; every error names the file and the field.</summary>
internal sealed record RlTrainerState(int Step, double KlCoef, PolicyOptimizationOptions Options, PolicyFeedbackOptions Feedback)
{
    public static RlTrainerState Read(string path, JsonSerializerOptions json)
    {
        var state = ModelJson.ReadObject(path);
        if (state["format"] is not JsonValue f || !f.TryGetValue(out string? format) || format != RlCheckpoint.Format)
            throw new R2MModelFormatException(path, "format", $"is {state["format"]?.ToJsonString() ?? "missing"}, expected '{RlCheckpoint.Format}'");
        if (state["version"] is not JsonValue v || !v.TryGetValue(out int version))
            throw new R2MModelFormatException(path, "version", $"must be an integer, got {state["version"]?.ToJsonString() ?? "nothing"}");
        if (version != RlCheckpoint.Version)
            throw new R2MModelFormatException(path, "version", $"format version {version} is not supported (this build reads version {RlCheckpoint.Version})");
        int step = state["step"] is JsonValue s && s.TryGetValue(out int st) && st >= 0 ? st
            : throw new R2MModelFormatException(path, "step", $"must be a non-negative integer, got {state["step"]?.ToJsonString() ?? "nothing"}");
        double kl = state["kl_coef"] is JsonValue k && k.TryGetValue(out double kc) && double.IsFinite(kc) && kc >= 0 ? kc
            : throw new R2MModelFormatException(path, "kl_coef", $"must be a finite non-negative number, got {state["kl_coef"]?.ToJsonString() ?? "nothing"}");
        var options = Object<PolicyOptimizationOptions>(state, "options", path, json);
        var feedback = Object<PolicyFeedbackOptions>(state, "feedback", path, json);
        return new RlTrainerState(step, kl, options, feedback);
    }

    private static T Object<T>(JsonObject state, string field, string path, JsonSerializerOptions json) where T : class
    {
        if (state[field] is not JsonObject node) throw new R2MModelFormatException(path, field, $"must be an object, got {state[field]?.ToJsonString() ?? "nothing"}");
        try
        {
            return node.Deserialize<T>(json) ?? throw new R2MModelFormatException(path, field, "must be an object");
        }
        catch (JsonException e)
        {
            throw new R2MModelFormatException(path, $"{field}{e.Path?.TrimStart('$')}", e.Message, e);
        }
    }
}
