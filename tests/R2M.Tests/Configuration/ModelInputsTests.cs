using R2M.Build.Tasks;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Configuration;

public class ModelInputsTests
{
    private static (TempDir Dir, string Zip, string Deps, string Config, string Data) Trained()
    {
        var dir = new TempDir();
        string config = dir.File("r2m.json"), data = dir.File("prefs.jsonl"), zip = dir.File("model.zip"), deps = zip + ".deps";
        File.WriteAllText(config, "{}");
        File.WriteAllText(data, "{}");
        File.WriteAllText(zip, "zip");
        File.WriteAllLines(deps, [config, data]);
        var old = DateTime.UtcNow.AddMinutes(-5);
        File.SetLastWriteTimeUtc(config, old);
        File.SetLastWriteTimeUtc(data, old);
        return (dir, zip, deps, config, data);
    }

    [Fact]
    public void A_zip_newer_than_every_listed_input_is_up_to_date()
    {
        var (dir, zip, deps, config, _) = Trained();
        using (dir) R2MModelInputs.WhyStale(zip, deps, config, []).Should().BeNull();
    }

    [Fact]
    public void A_changed_data_file_makes_the_model_stale_and_is_named()
    {
        var (dir, zip, deps, config, data) = Trained();
        using (dir)
        {
            File.SetLastWriteTimeUtc(data, DateTime.UtcNow.AddMinutes(1));
            R2MModelInputs.WhyStale(zip, deps, config, []).Should().Be($"{data} changed");
        }
    }

    [Fact]
    public void A_missing_zip_dependency_file_or_input_makes_the_model_stale()
    {
        var (dir, zip, deps, config, data) = Trained();
        using (dir)
        {
            File.Delete(data);
            R2MModelInputs.WhyStale(zip, deps, config, []).Should().Be($"{data} does not exist");
            File.Delete(deps);
            R2MModelInputs.WhyStale(zip, deps, config, []).Should().Be($"{deps} does not exist");
            File.Delete(zip);
            R2MModelInputs.WhyStale(zip, deps, config, []).Should().Be($"{zip} does not exist");
        }
    }

    [Fact]
    public void A_zip_trained_from_another_configuration_is_stale()
    {
        var (dir, zip, deps, _, _) = Trained();
        using (dir) R2MModelInputs.WhyStale(zip, deps, dir.File("other.json"), []).Should().Contain("another configuration");
    }

    [Fact]
    public void A_newer_tool_makes_the_model_stale()
    {
        var (dir, zip, deps, config, _) = Trained();
        using (dir)
        {
            string tool = dir.File("R2M.Cli.dll");
            File.WriteAllText(tool, "");
            File.SetLastWriteTimeUtc(tool, DateTime.UtcNow.AddMinutes(1));
            R2MModelInputs.WhyStale(zip, deps, config, [tool]).Should().Be($"{tool} changed");
        }
    }
}
