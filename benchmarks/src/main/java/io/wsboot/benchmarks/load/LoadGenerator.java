package io.wsboot.benchmarks.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.util.concurrent.EventExecutor;
import org.HdrHistogram.Histogram;

/**
 * The load generator, a JVM process of its own: runs one mode against one server and
 * prints one line {@code RESULT {json}}. Options are {@code --name=value}:
 * <ul>
 * <li>{@code --mode}: {@code echo}, {@code connect}, {@code idle}, {@code fanout} or
 * {@code cluster}</li>
 * <li>{@code --host} ({@code 127.0.0.1}), {@code --port}, {@code --server-pid} (for the
 * server's CPU share and memory)</li>
 * <li>{@code --threads}: client event loops (the cores this process may use)</li>
 * <li>echo: {@code --conns}, {@code --inflight}, {@code --size} (payload bytes),
 * {@code --type} ({@code text} or {@code binary}), {@code --warmup} and
 * {@code --duration} (seconds)</li>
 * <li>connect: {@code --concurrency}, {@code --warmup}, {@code --duration}</li>
 * <li>idle: {@code --conns}, {@code --concurrency} (handshakes at once),
 * {@code --warmup-conns}</li>
 * <li>fanout: {@code --conns}, {@code --concurrency}, {@code --broadcasts},
 * {@code --warmup-broadcasts}</li>
 * <li>cluster (two nodes: A on {@code --port}, B on {@code --port-b}): {@code --conns}
 * (receivers of the broadcasts, half on each node), {@code --batch} (broadcasts asked for
 * at once), {@code --size} (bytes of each pushed or broadcast text),
 * {@code --push-warmup} (seconds of pushes before they are timed), {@code --warmup}
 * (seconds of broadcasts before they are counted), {@code --duration} (seconds of each of
 * the two measurements), {@code --server-pid-b} and {@code --redis-pid} (for their CPU
 * share)</li>
 * <li>{@code --label}, {@code --server}, {@code --round}: copied into the result</li>
 * </ul>
 *
 * @since 0.1.0
 */
public final class LoadGenerator {

	private final Map<String, String> options;

	private final Map<String, Object> result = new LinkedHashMap<>();

	private final long serverPid;

	private LoadGenerator(Map<String, String> options) {
		this.options = options;
		this.serverPid = Long.parseLong(option("server-pid", "-1"));
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new LinkedHashMap<>();
		for (String arg : args) {
			if (!arg.startsWith("--") || arg.indexOf('=') < 0) {
				throw new IllegalArgumentException("Expected --name=value, not " + arg);
			}
			options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
		}
		new LoadGenerator(options).run();
		System.exit(0);
	}

	private String option(String name, String defaultValue) {
		return this.options.getOrDefault(name, defaultValue);
	}

	private int intOption(String name, int defaultValue) {
		return Integer.parseInt(option(name, Integer.toString(defaultValue)));
	}

	private double doubleOption(String name, double defaultValue) {
		return Double.parseDouble(option(name, Double.toString(defaultValue)));
	}

	private void run() throws Exception {
		String mode = option("mode", "echo");
		int threads = intOption("threads", Runtime.getRuntime().availableProcessors());
		this.result.put("label", option("label", mode));
		this.result.put("server", option("server", "?"));
		this.result.put("round", intOption("round", 1));
		this.result.put("mode", mode);
		try (Transport transport = new Transport(threads, option("host", "127.0.0.1"), intOption("port", 8080))) {
			this.result.put("transport", transport.name());
			this.result.put("loadgenThreads", threads);
			switch (mode) {
				case "echo" -> echo(transport);
				case "connect" -> connect(transport);
				case "idle" -> idle(transport);
				case "fanout" -> fanout(transport);
				case "cluster" -> cluster(transport);
				default -> throw new IllegalArgumentException("Unknown mode " + mode);
			}
		}
		System.out.println("RESULT " + Json.write(this.result));
		System.out.flush();
	}

	private void echo(Transport transport) throws Exception {
		int conns = intOption("conns", 100);
		int inFlight = intOption("inflight", 1);
		int size = intOption("size", 64);
		boolean text = !"binary".equals(option("type", "text"));
		double warmup = doubleOption("warmup", 5);
		double duration = doubleOption("duration", 5);
		this.result.put("conns", conns);
		this.result.put("inflight", inFlight);
		this.result.put("size", size);
		this.result.put("type", text ? "text" : "binary");
		EchoDriver driver = new EchoDriver(inFlight, text, size);
		Connector connector = new Connector(transport);
		connector.open(conns, conns, driver, (n) -> new EchoDriver.Session(inFlight));
		Window window = measure(warmup, duration, (phase) -> driver.phase = phase);
		EchoDriver.Stats stats = EchoDriver.collect(loops(transport));
		connector.closeAll();
		Histogram histogram = stats.histogram;
		double rate = stats.messages / window.seconds();
		this.result.put("messages", stats.messages);
		this.result.put("msgsPerSec", round(rate, 1));
		this.result.put("mbPerSec", round(rate * size / 1e6, 2));
		this.result.put("p50Us", micros(histogram.getValueAtPercentile(50)));
		this.result.put("p99Us", micros(histogram.getValueAtPercentile(99)));
		this.result.put("p999Us", micros(histogram.getValueAtPercentile(99.9)));
		this.result.put("maxUs", micros(histogram.getMaxValue()));
		this.result.put("errors", driver.errors.sum() + connector.failures.sum());
		cpu(window.shares());
	}

	private void connect(Transport transport) throws Exception {
		int concurrency = intOption("concurrency", 50);
		double warmup = doubleOption("warmup", 5);
		double duration = doubleOption("duration", 5);
		boolean reset = Boolean.parseBoolean(option("reset", "false"));
		transport.resetOnClose(reset);
		this.result.put("reset", reset);
		this.result.put("concurrency", concurrency);
		ConnectDriver driver = new ConnectDriver(transport, concurrency);
		driver.start();
		Window window = measure(warmup, duration, (phase) -> driver.phase = phase);
		long stalled = driver.awaitStopped(10);
		this.result.put("handshakes", driver.handshakes.sum());
		this.result.put("handshakesPerSec", round(driver.handshakes.sum() / window.seconds(), 1));
		this.result.put("failures", driver.failures.sum());
		this.result.put("stalled", stalled);
		this.result.put("p50Us", micros(driver.latency.getValueAtPercentile(50)));
		this.result.put("p99Us", micros(driver.latency.getValueAtPercentile(99)));
		cpu(window.shares());
	}

	/**
	 * Let a driver warm up, then count for the duration: the measured window, and the CPU
	 * shares of this process and of the server over it. The warmup and the measured
	 * duration go into the result.
	 * @param warmup seconds before counting
	 * @param duration seconds counted
	 * @param phase sets the driver's phase
	 * @return the measured window
	 */
	private Window measure(double warmup, double duration, Consumer<Phase> phase) throws InterruptedException {
		sleep(warmup);
		phase.accept(Phase.MEASURE);
		long start = System.nanoTime();
		ProcessStats.CpuWindow cpu = new ProcessStats.CpuWindow(this.serverPid);
		sleep(duration);
		phase.accept(Phase.DONE);
		double seconds = (System.nanoTime() - start) / 1e9;
		double[] shares = cpu.shares();
		this.result.put("warmup", warmup);
		this.result.put("duration", round(seconds, 3));
		return new Window(seconds, shares);
	}

	private void idle(Transport transport) throws Exception {
		int conns = intOption("conns", 10_000);
		int concurrency = intOption("concurrency", 256);
		int warmupConns = intOption("warmup-conns", 2_000);
		requireServerPid();
		// Idle connections: a fanout listener that is never triggered does nothing
		WsConnection.Listener none = new FanoutDriver(Integer.MAX_VALUE);
		// Warm up: load the classes and fill the pools a connection needs, then let go
		Connector warm = new Connector(transport);
		warm.open(warmupConns, concurrency, none, (n) -> new int[1]);
		warm.closeAll();
		Thread.sleep(1000);
		long heapBefore = ProcessStats.heapAfterGc(this.serverPid);
		long rssBefore = ProcessStats.rssBytes(this.serverPid);
		Connector connector = new Connector(transport);
		connector.open(conns, concurrency, none, (n) -> new int[1]);
		Thread.sleep(2000);
		int open = connector.openCount();
		long heapAfter = ProcessStats.heapAfterGc(this.serverPid);
		long rssAfter = ProcessStats.rssBytes(this.serverPid);
		connector.closeAll();
		long heapPerConn = (heapAfter - heapBefore) / Math.max(1, open);
		long rssPerConn = (rssAfter - rssBefore) / Math.max(1, open);
		this.result.put("conns", conns);
		this.result.put("open", open);
		this.result.put("failures", connector.failures.sum());
		this.result.put("heapBeforeKb", heapBefore / 1024);
		this.result.put("heapAfterKb", heapAfter / 1024);
		this.result.put("rssBeforeKb", rssBefore / 1024);
		this.result.put("rssAfterKb", rssAfter / 1024);
		this.result.put("heapPerConnB", heapPerConn);
		this.result.put("rssPerConnB", rssPerConn);
	}

	private void fanout(Transport transport) throws Exception {
		int conns = intOption("conns", 10_000);
		int concurrency = intOption("concurrency", 256);
		int broadcasts = intOption("broadcasts", 20);
		int warmupBroadcasts = intOption("warmup-broadcasts", 5);
		FanoutDriver driver = new FanoutDriver(conns);
		Connector connector = new Connector(transport);
		List<WsConnection> connections = connector.open(conns, concurrency, driver, (n) -> new int[1]);
		if (connections.size() < conns) {
			throw new IllegalStateException("Only " + connections.size() + " of " + conns + " connections open");
		}
		if (this.serverPid > 0) {
			// Tenure what the 10,000 handshakes left, so that a young collection copying
			// it (100 ms and more with SerialGC) does not land in a measured broadcast
			ProcessStats.fullGc(this.serverPid);
		}
		Thread.sleep(1000);
		WsConnection trigger = connections.get(0);
		for (int i = 0; i < warmupBroadcasts; i++) {
			driver.broadcast(trigger);
			Thread.sleep(200);
		}
		Histogram fromTrigger = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
		Histogram fromServer = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
		int missed = 0;
		ProcessStats.CpuWindow cpu = new ProcessStats.CpuWindow(this.serverPid);
		for (int i = 0; i < broadcasts; i++) {
			long[] times = driver.broadcast(trigger);
			if (times == null) {
				missed++;
			}
			else {
				System.out.printf("broadcast %d: last delivery %.1f ms%n", i, times[0] / 1e6);
				fromTrigger.recordValue(times[0]);
				if (times[1] >= 0) {
					fromServer.recordValue(times[1]);
				}
			}
			Thread.sleep(200);
		}
		double[] shares = cpu.shares();
		connector.closeAll();
		this.result.put("conns", conns);
		this.result.put("broadcasts", broadcasts);
		this.result.put("missed", missed);
		this.result.put("failures", connector.failures.sum());
		this.result.put("lastP50Ms", millis(fromTrigger.getValueAtPercentile(50)));
		this.result.put("lastP99Ms", millis(fromTrigger.getValueAtPercentile(99)));
		this.result.put("lastMaxMs", millis(fromTrigger.getMaxValue()));
		this.result.put("serverToLastP50Ms", millis(fromServer.getValueAtPercentile(50)));
		this.result.put("serverToLastP99Ms", millis(fromServer.getValueAtPercentile(99)));
		cpu(shares);
	}

	/**
	 * Push latency (local and cross-node) and broadcast rate in a cluster of two nodes.
	 */
	private void cluster(Transport transport) throws Exception {
		int conns = intOption("conns", 200);
		int batch = intOption("batch", 50);
		int size = intOption("size", 64);
		double warmup = doubleOption("warmup", 5);
		double pushWarmup = doubleOption("push-warmup", warmup);
		double duration = doubleOption("duration", 5);
		long pidB = Long.parseLong(option("server-pid-b", "-1"));
		long redisPid = Long.parseLong(option("redis-pid", "-1"));
		Transport toB = transport.to(option("host", "127.0.0.1"), intOption("port-b", 8081));
		this.result.put("conns", conns);
		this.result.put("size", size);
		this.result.put("pushWarmup", pushWarmup);
		this.result.put("warmup", warmup);
		clusterPush(transport, toB, size, pushWarmup, duration);
		clusterBroadcast(transport, toB, conns, batch, size, warmup, duration, pidB, redisPid);
	}

	private void clusterPush(Transport toA, Transport toB, int size, double warmup, double duration) throws Exception {
		ClusterPushDriver driver = new ClusterPushDriver(size, 3);
		Connector onA = new Connector(toA);
		Connector onB = new Connector(toB);
		List<WsConnection> clientsOfA = onA.open(2, 2, driver, (n) -> new ClusterPushDriver.Session());
		List<WsConnection> clientsOfB = onB.open(1, 1, driver, (n) -> new ClusterPushDriver.Session());
		if (clientsOfA.size() < 2 || clientsOfB.isEmpty()) {
			throw new IllegalStateException(
					"Push clients not open: " + clientsOfA.size() + " on A, " + clientsOfB.size() + " on B");
		}
		driver.awaitGreetings();
		driver.start(clientsOfA.get(0), clientsOfA.get(1), clientsOfB.get(0));
		long timeouts = watch(driver, warmup);
		driver.phase = Phase.MEASURE;
		long start = System.nanoTime();
		timeouts += watch(driver, duration);
		driver.phase = Phase.DONE;
		double seconds = (System.nanoTime() - start) / 1e9;
		Histogram[] histograms = driver.histograms();
		onA.closeAll();
		onB.closeAll();
		Histogram local = histograms[0];
		Histogram cross = histograms[1];
		this.result.put("pushDuration", round(seconds, 3));
		this.result.put("localPushes", local.getTotalCount());
		this.result.put("localP50Us", micros(local.getValueAtPercentile(50)));
		this.result.put("localP99Us", micros(local.getValueAtPercentile(99)));
		this.result.put("localP999Us", micros(local.getValueAtPercentile(99.9)));
		this.result.put("crossPushes", cross.getTotalCount());
		this.result.put("crossP50Us", micros(cross.getValueAtPercentile(50)));
		this.result.put("crossP99Us", micros(cross.getValueAtPercentile(99)));
		this.result.put("crossP999Us", micros(cross.getValueAtPercentile(99.9)));
		this.result.put("pushTimeouts", timeouts);
	}

	/**
	 * Let the pushes run, asking for the next one when one was not received within a
	 * second.
	 * @return the pushes that timed out
	 */
	private static long watch(ClusterPushDriver driver, double seconds) throws InterruptedException {
		long timeouts = 0;
		long end = System.nanoTime() + (long) (seconds * 1e9);
		long quiet = TimeUnit.SECONDS.toNanos(1);
		while (System.nanoTime() < end) {
			Thread.sleep(50);
			if (System.nanoTime() - driver.lastActivity() > quiet) {
				timeouts++;
				driver.kick();
			}
		}
		return timeouts;
	}

	private void clusterBroadcast(Transport toA, Transport toB, int conns, int batch, int size, double warmup,
			double duration, long pidB, long redisPid) throws Exception {
		ClusterBroadcastDriver driver = new ClusterBroadcastDriver(size, conns);
		Connector onA = new Connector(toA);
		Connector onB = new Connector(toB);
		int connsA = conns / 2;
		List<WsConnection> clientsOfA = onA.open(connsA, 64, driver, (n) -> ClusterBroadcastDriver.session());
		List<WsConnection> clientsOfB = onB.open(conns - connsA, 64, driver, (n) -> ClusterBroadcastDriver.session());
		if (clientsOfA.size() + clientsOfB.size() < conns) {
			throw new IllegalStateException(
					"Only " + clientsOfA.size() + " + " + clientsOfB.size() + " of " + conns + " connections open");
		}
		driver.awaitGreetings();
		WsConnection trigger = clientsOfB.get(0);
		long timeouts = 0;
		long warmupEnd = System.nanoTime() + (long) (warmup * 1e9);
		while (System.nanoTime() < warmupEnd) {
			timeouts += driver.batch(trigger, batch, 10, TimeUnit.SECONDS) ? 0 : 1;
		}
		long sentBefore = driver.sent();
		long deliveredBefore = driver.delivered();
		List<ProcessStats.CpuWindow> cpu = new ArrayList<>();
		for (long pid : new long[] { this.serverPid, pidB, redisPid }) {
			cpu.add(new ProcessStats.CpuWindow(pid));
		}
		long start = System.nanoTime();
		long end = start + (long) (duration * 1e9);
		while (System.nanoTime() < end) {
			timeouts += driver.batch(trigger, batch, 10, TimeUnit.SECONDS) ? 0 : 1;
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		double[] nodeA = cpu.get(0).shares();
		double[] shares = { nodeA[0], nodeA[1], cpu.get(1).shares()[1], cpu.get(2).shares()[1] };
		long broadcasts = driver.sent() - sentBefore;
		long deliveries = driver.delivered() - deliveredBefore;
		long lost = driver.drain(5, TimeUnit.SECONDS);
		onA.closeAll();
		onB.closeAll();
		this.result.put("connsA", clientsOfA.size());
		this.result.put("connsB", clientsOfB.size());
		this.result.put("batch", batch);
		this.result.put("duration", round(seconds, 3));
		this.result.put("broadcasts", broadcasts);
		this.result.put("deliveries", deliveries);
		this.result.put("broadcastsPerSec", round(broadcasts / seconds, 1));
		this.result.put("deliveriesPerSec", round(deliveries / seconds, 1));
		this.result.put("lost", lost);
		this.result.put("outOfOrder", driver.outOfOrder.sum());
		this.result.put("batchTimeouts", timeouts);
		this.result.put("failures", onA.failures.sum() + onB.failures.sum());
		this.result.put("loadgenCpu", round(shares[0], 3));
		this.result.put("nodeACpu", round(shares[1], 3));
		this.result.put("nodeBCpu", round(shares[2], 3));
		this.result.put("redisCpu", round(shares[3], 3));
		this.result.put("serverCpu", (shares[1] >= 0 && shares[2] >= 0) ? round(shares[1] + shares[2], 3) : -1);
	}

	private void requireServerPid() {
		if (this.serverPid <= 0) {
			throw new IllegalArgumentException("--server-pid is needed for this mode");
		}
	}

	private void cpu(double[] shares) {
		this.result.put("loadgenCpu", round(shares[0], 3));
		this.result.put("serverCpu", round(shares[1], 3));
		this.result.put("loadgenSysCpu", round(shares[2], 3));
		this.result.put("serverSysCpu", round(shares[3], 3));
	}

	private static Iterable<EventExecutor> loops(Transport transport) {
		return transport.group();
	}

	private static void sleep(double seconds) throws InterruptedException {
		Thread.sleep((long) (seconds * 1000));
	}

	private static double micros(long nanos) {
		return round(nanos / 1e3, 1);
	}

	private static double millis(long nanos) {
		return round(nanos / 1e6, 2);
	}

	private static double round(double value, int digits) {
		double scale = Math.pow(10, digits);
		return Math.round(value * scale) / scale;
	}

	/**
	 * The flat JSON of a result line.
	 */
	static final class Json {

		private Json() {
		}

		static String write(Map<String, Object> values) {
			StringBuilder json = new StringBuilder("{");
			values.forEach((name, value) -> {
				if (json.length() > 1) {
					json.append(',');
				}
				json.append('"').append(name).append("\":");
				if (value instanceof Number number) {
					json.append((number instanceof Double d) ? String.format(Locale.ROOT, "%s", d) : number);
				}
				else {
					json.append('"').append(String.valueOf(value).replace("\"", "'")).append('"');
				}
			});
			return json.append('}').toString();
		}

	}

	/**
	 * A measured window.
	 *
	 * @param seconds its length
	 * @param shares the CPU shares over it, as {@link ProcessStats.CpuWindow#shares()}
	 * gives them
	 */
	private record Window(double seconds, double[] shares) {

	}

}
