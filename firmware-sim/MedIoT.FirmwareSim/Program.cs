using MedIoT.FirmwareSim;

return await SimulatorCommands.Create().Parse(args).InvokeAsync().ConfigureAwait(false);
