using R2M.Cli;

return await CliApp.RunAsync(args);
