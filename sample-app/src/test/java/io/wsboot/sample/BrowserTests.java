package io.wsboot.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.util.FileSystemUtils;

import static io.wsboot.sample.HelloAssertions.assertHello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample page ({@code static/index.html}) driven in a real browser: Debian's headless
 * Chromium through {@code /usr/bin/chromedriver}.
 * <p>
 * Checks what the page shows, with the example's handshake and with the built-in one:
 * that it connects with and without a subprotocol (and that Chromium logs no
 * {@code Error during WebSocket handshake}), shows the hello ticks, sends a message and
 * shows the reply, and disconnects; and that it shows the failure when the handshake is
 * refused (an origin {@code wsboot.allowed-origins} does not allow) or answered without
 * any of the subprotocols the page offered. Each test saves a screenshot to
 * {@code target/browser-<test>.png}.
 * <p>
 * Without {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver} the tests are
 * skipped, unless the environment variable {@value #REQUIRE_BROWSER_ENV} (or the system
 * property {@value #REQUIRE_BROWSER_PROPERTY}) is {@code true}, as {@code .ci/run} sets
 * it: then they fail, so CI cannot pass without running them.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith({ BrowserTests.ChromiumInstalled.class, OutputCaptureExtension.class })
class BrowserTests {

	static final String REQUIRE_BROWSER_ENV = "WSBOOT_REQUIRE_BROWSER";

	static final String REQUIRE_BROWSER_PROPERTY = "wsboot.require-browser";

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final String HANDSHAKE_ERROR = "Error during WebSocket handshake";

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final Path SCREENSHOTS = Path.of("target");

	private static ChromeDriver driver;

	private static Path userDataDir;

	@LocalServerPort
	int port;

	private String testName = "test";

	@BeforeAll
	static void startBrowser() throws IOException {
		userDataDir = Files.createTempDirectory("wsboot-chromium-");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--no-proxy-server", "--window-size=1024,768",
				"--user-data-dir=" + userDataDir.toAbsolutePath());
		LoggingPreferences logging = new LoggingPreferences();
		logging.enable(LogType.BROWSER, Level.ALL);
		options.setCapability(ChromeOptions.LOGGING_PREFS, logging);
		// The driver is given: Selenium Manager has nothing to look up or download
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		driver = new ChromeDriver(service, options);
		driver.manage().timeouts().pageLoadTimeout(WAIT);
	}

	@AfterAll
	static void stopBrowser() {
		try {
			if (driver != null) {
				driver.quit();
			}
		}
		finally {
			driver = null;
			if (userDataDir != null) {
				FileSystemUtils.deleteRecursively(userDataDir.toFile());
				userDataDir = null;
			}
		}
	}

	@BeforeEach
	void prepare(TestInfo info) {
		this.testName = info.getTestClass().map(Class::getSimpleName).orElse("BrowserTests") + "-"
				+ info.getTestMethod().map((method) -> method.getName()).orElse("test");
		// Start each test on a blank page with an empty console log
		driver.get("about:blank");
		driver.manage().logs().get(LogType.BROWSER);
	}

	/**
	 * Close the connection with the page's Disconnect button: Chromium keeps a page that
	 * is navigated away from in its back/forward cache with its WebSocket still open.
	 */
	@AfterEach
	void disconnect() {
		WebElement button = driver.findElements(By.id("disconnect")).stream().findFirst().orElse(null);
		if (button == null || !button.isEnabled()) {
			return;
		}
		button.click();
		WebElement status = driver.findElement(By.id("status"));
		new WebDriverWait(driver, WAIT).withMessage(() -> "page status is " + describe(status))
			.until((browser) -> "closed".equals(status.getDomAttribute("data-state")));
		assertThat(status.getText()).isEqualTo("closed: code 1000");
		assertThat(driver.findElement(By.id("input")).isEnabled()).isFalse();
		assertThat(driver.findElement(By.id("send")).isEnabled()).isFalse();
	}

	@Test
	void connectsWithoutSubprotocolAndShowsHelloTicks() throws IOException {
		long start = Instant.now().getEpochSecond();
		open(this.port, "");
		try {
			assertOpen(this.port, "none");
			List<String> hellos = awaitReceived(2);
			assertHello(hellos.get(0), start);
			assertHello(hellos.get(1), start);
			assertThat(second(hellos.get(1))).isGreaterThanOrEqualTo(second(hellos.get(0)));
			assertNoHandshakeError();
		}
		finally {
			screenshot();
		}
	}

	@Test
	void connectsWithTheFirstSubprotocolOffered() throws IOException {
		open(this.port, "?protocol=chat,superchat");
		try {
			assertOpen(this.port, "chat");
			awaitReceived(1);
			assertNoHandshakeError();
		}
		finally {
			screenshot();
		}
	}

	@Test
	void sendsMessageAndShowsTheReply(CapturedOutput output) throws IOException {
		long start = Instant.now().getEpochSecond();
		open(this.port, "");
		try {
			assertOpen(this.port, "none");
			awaitReceived(1);
			WebElement input = driver.findElement(By.id("input"));
			input.sendKeys("hello from Chromium");
			driver.findElement(By.id("send")).click();
			WebElement sent = new WebDriverWait(driver, WAIT)
				.until((browser) -> browser.findElements(By.cssSelector("#messages li.sent"))
					.stream()
					.findFirst()
					.orElse(null));
			assertThat(sent.getText()).isEqualTo("sent: hello from Chromium");
			assertThat(input.getDomProperty("value")).isEmpty();
			// The reply is the next message the page shows after what it sent
			WebElement reply = new WebDriverWait(driver, WAIT)
				.until((browser) -> browser.findElements(By.cssSelector("#messages li.sent ~ li.received"))
					.stream()
					.findFirst()
					.orElse(null));
			assertHello(reply.getText(), start);
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(output).contains("received message: hello from Chromium"));
			assertNoHandshakeError();
		}
		finally {
			screenshot();
		}
	}

	private static void open(int port, String query) {
		driver.get("http://127.0.0.1:" + port + "/" + query);
	}

	private static void assertOpen(int port, String subprotocol) {
		WebElement status = driver.findElement(By.id("status"));
		new WebDriverWait(driver, WAIT).withMessage(() -> "page status is " + describe(status))
			.until((browser) -> !"connecting".equals(status.getDomAttribute("data-state"))
					&& !"idle".equals(status.getDomAttribute("data-state")));
		assertThat(status.getDomAttribute("data-state")).as(describe(status)).isEqualTo("open");
		assertThat(status.getText()).isEqualTo("connected to ws://127.0.0.1:" + port + "/");
		assertThat(driver.findElement(By.id("subprotocol")).getText()).isEqualTo(subprotocol);
		assertThat(driver.findElement(By.id("input")).isEnabled()).isTrue();
		assertThat(driver.findElement(By.id("send")).isEnabled()).isTrue();
	}

	/**
	 * Assert that the page shows a failed connection and that Chromium logged why.
	 * @param why what the console message says after {@value #HANDSHAKE_ERROR}
	 */
	private static void assertFailed(String why) {
		WebElement status = driver.findElement(By.id("status"));
		new WebDriverWait(driver, WAIT).withMessage(() -> "page status is " + describe(status))
			.until((browser) -> "closed".equals(status.getDomAttribute("data-state")));
		assertThat(status.getText()).isEqualTo("closed: code 1006");
		assertThat(driver.findElement(By.id("subprotocol")).getText()).isEqualTo("none");
		assertThat(driver.findElements(By.cssSelector("#messages li")).stream().map(WebElement::getText))
			.containsExactly("WebSocket error", "connection closed with code 1006");
		assertThat(driver.findElement(By.id("input")).isEnabled()).isFalse();
		assertThat(driver.findElement(By.id("send")).isEnabled()).isFalse();
		// Chromium says why in the console, where the tests that connect look for it
		assertThat(console()).anyMatch((entry) -> entry.contains(HANDSHAKE_ERROR) && entry.contains(why));
	}

	private static List<String> awaitReceived(int count) {
		return new WebDriverWait(driver, WAIT)
			.withMessage(() -> "page shows fewer than " + count + " received messages: " + messages())
			.until((browser) -> {
				List<String> received = browser.findElements(By.cssSelector("#messages li.received"))
					.stream()
					.map(WebElement::getText)
					.toList();
				return (received.size() >= count) ? received : null;
			});
	}

	private static long second(String hello) {
		return Long.parseLong(hello.replaceAll("\\D", ""));
	}

	private static String messages() {
		return driver.findElements(By.cssSelector("#messages li"))
			.stream()
			.map((item) -> item.getDomAttribute("class") + ": " + item.getText())
			.collect(Collectors.joining(", ", "[", "]"));
	}

	private static String describe(WebElement status) {
		return status.getDomAttribute("data-state") + " (" + status.getText() + ")";
	}

	private static List<String> console() {
		return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::toString).toList();
	}

	private static void assertNoHandshakeError() {
		assertThat(console()).noneMatch((entry) -> entry.contains(HANDSHAKE_ERROR));
	}

	private void screenshot() throws IOException {
		Files.createDirectories(SCREENSHOTS);
		Files.write(SCREENSHOTS.resolve("browser-" + this.testName + ".png"), driver.getScreenshotAs(OutputType.BYTES));
	}

	/**
	 * The page with the built-in handshake, which selects from {@code chat,superchat}.
	 */
	@Nested
	@ActiveProfiles(SampleApplication.DEFAULT_HANDSHAKE_PROFILE)
	class DefaultHandshake {

		@LocalServerPort
		int port;

		@Test
		void connectsWithoutSubprotocol() throws IOException {
			open(this.port, "");
			try {
				assertOpen(this.port, "none");
				awaitReceived(1);
				assertNoHandshakeError();
			}
			finally {
				screenshot();
			}
		}

		@Test
		void connectsWithTheSubprotocolSelected() throws IOException {
			open(this.port, "?protocol=superchat");
			try {
				assertOpen(this.port, "superchat");
				awaitReceived(1);
				assertNoHandshakeError();
			}
			finally {
				screenshot();
			}
		}

		@Test
		void showsTheFailureWhenNoSubprotocolOfferedIsSpoken() throws IOException {
			// The server answers 101 without a subprotocol, which RFC 6455 allows but a
			// browser that offered one fails
			open(this.port, "?protocol=mqtt");
			try {
				assertFailed("Sent non-empty 'Sec-WebSocket-Protocol' header but no response was received");
			}
			finally {
				screenshot();
			}
		}

	}

	/**
	 * The page of another origin ({@code http://127.0.0.1:port}) connecting to the server
	 * as {@code localhost}, which {@code wsboot.allowed-origins} left empty does not
	 * allow: the handshake is refused with 403 before the sample's handshake runs.
	 */
	@Nested
	class RefusedHandshake {

		@LocalServerPort
		int port;

		@Test
		void showsTheFailure(CapturedOutput output) throws IOException {
			open(this.port, "?server=ws://localhost:" + this.port + "/");
			try {
				assertFailed("Unexpected response code: 403");
				await().atMost(WAIT).untilAsserted(() -> assertThat(output).contains("Handshake refused with 403"));
			}
			finally {
				screenshot();
			}
		}

	}

	/**
	 * Skip the tests when Chromium or its driver is missing, or fail them when
	 * {@value #REQUIRE_BROWSER_ENV} or {@value #REQUIRE_BROWSER_PROPERTY} is
	 * {@code true}.
	 */
	static class ChromiumInstalled implements ExecutionCondition {

		@Override
		public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
			List<String> missing = new ArrayList<>();
			for (Path path : List.of(CHROMIUM, CHROMEDRIVER)) {
				if (!Files.isExecutable(path)) {
					missing.add(path.toString());
				}
			}
			if (missing.isEmpty()) {
				return ConditionEvaluationResult.enabled("Chromium is installed");
			}
			String message = "Chromium not installed: " + String.join(" and ", missing)
					+ " missing; install Debian's chromium and chromium-driver "
					+ "(apt-get install chromium chromium-driver) to run the browser tests";
			if (Boolean.parseBoolean(System.getenv(REQUIRE_BROWSER_ENV))
					|| Boolean.getBoolean(REQUIRE_BROWSER_PROPERTY)) {
				throw new IllegalStateException(
						message + " (" + REQUIRE_BROWSER_ENV + "=true: the browser tests may not be skipped)");
			}
			System.err.println("BrowserTests skipped: " + message);
			return ConditionEvaluationResult.disabled(message);
		}

	}

}
