using R2M.Cli;
using R2M.Estimators.Configuration;
using R2M.MLNet.Data;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Configuration;

public class CliDiagnosticsTests
{
    [Fact]
    public void A_configuration_error_is_one_canonical_line_with_exit_code_2()
    {
        var (line, exit) = CliDiagnostics.Describe(new R2MConfigException("/p/r2m.json", 6, 11, "R2M1003", "unknown key 'x'"), "R2M1301");

        line.Should().Be("/p/r2m.json(6,11): error R2M1003: unknown key 'x'");
        exit.Should().Be(ExitCodes.Config);
    }

    [Fact]
    public void A_data_error_wrapped_by_the_pipeline_is_found_and_points_at_the_fields_value()
    {
        using var dir = new TempDir();
        string file = dir.File("prefs.jsonl");
        File.WriteAllLines(file, ["{\"prompt\":\"a\",\"chosen\":\"b\",\"rejected\":\"c\"}", "{\"prompt\":\"a\",\"chosen\":3,\"rejected\":\"c\"}"]);
        var data = new PreferenceDataException(new PreferenceDataError(file, null, 2, null, "chosen", "expected text, got a number (3)"));

        var (line, exit) = CliDiagnostics.Describe(new InvalidOperationException("stage failed", data), "R2M1301");

        line.Should().Be($"{file}(2,24): error R2M1101: field 'chosen': expected text, got a number (3)");
        exit.Should().Be(ExitCodes.Data);
    }

    [Fact]
    public void A_file_level_data_error_has_its_own_code_and_no_position()
    {
        var data = new PreferenceDataException(new PreferenceDataError("/p/prefs.jsonl", null, null, null, null, "the file is empty"));

        CliDiagnostics.Describe(data, "R2M1301").Line.Should().Be("/p/prefs.jsonl : error R2M1102: the file is empty");
    }

    [Fact]
    public void Cancellation_exits_with_130_and_anything_else_with_the_commands_code_and_4()
    {
        CliDiagnostics.Describe(new OperationCanceledException(), "R2M1301").ExitCode.Should().Be(ExitCodes.Cancelled);
        var (line, exit) = CliDiagnostics.Describe(new InvalidDataException("bad zip\nsecond line"), "R2M1401");
        line.Should().Be("r2m : error R2M1401: InvalidDataException: bad zip second line");
        exit.Should().Be(ExitCodes.Failed);
    }
}
