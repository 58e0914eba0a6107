package io.lakeshelf.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * which {@code .ci/run} installs when it can), against the real service with API keys configured:
 * it asks for a key, lists the collections, searches with a filter and shows hits with their text
 * and image, follows a reindex job's progress to the end, and with a read key shows what that key
 * may not do. Each step saves a screenshot under {@code target/console-screenshots/}. Without a
 * browser and driver the test is skipped and says so.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

  static final String ADMIN = "console-admin-key-0123456789";
  static final String READ = "console-read-key-0123456789";
  static final int BIG_ROWS = 3000;
  static final Path SHOTS = Path.of("target", "console-screenshots");

  @TempDir static Path dir;
  static RunningService service;
  static WebDriver browser;
  static String base;

  static Optional<String> executable(String env, String... candidates) {
    String given = System.getenv(env);
    if (given != null && Files.isExecutable(Path.of(given))) {
      return Optional.of(given);
    }
    for (String c : candidates) {
      if (Files.isExecutable(Path.of(c))) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  @BeforeAll
  static void start() throws Exception {
    Optional<String> chromium =
        executable("LAKESHELF_CHROMIUM", "/usr/bin/chromium", "/usr/bin/chromium-browser");
    Optional<String> driver = executable("LAKESHELF_CHROMEDRIVER", "/usr/bin/chromedriver");
    if (chromium.isEmpty() || driver.isEmpty()) {
      String why =
          "ConsoleBrowserIT skipped: no "
              + (chromium.isEmpty() ? "chromium" : "chromedriver")
              + " (install Debian's chromium and chromium-driver, or set LAKESHELF_CHROMIUM and"
              + " LAKESHELF_CHROMEDRIVER)";
      System.out.println(why);
      Assumptions.abort(why);
    }
    Path images = Files.createDirectories(dir.resolve("images"));
    byte[] png = png();
    Files.write(images.resolve("lake.png"), png);
    service =
        RunningService.start(
            dir.resolve("data"),
            "--lakeshelf.images.allowed-locations=" + images,
            "--lakeshelf.index.reindex-rows-per-second=500",
            "--lakeshelf.security.api-keys[0].name=ops",
            "--lakeshelf.security.api-keys[0].hash=" + SecurityIT.sha256(ADMIN),
            "--lakeshelf.security.api-keys[0].roles=admin",
            "--lakeshelf.security.api-keys[1].name=reader",
            "--lakeshelf.security.api-keys[1].hash=" + SecurityIT.sha256(READ),
            "--lakeshelf.security.api-keys[1].roles=read");
    base = "http://localhost:" + service.port;
    createCollections(images.resolve("lake.png"), png);

    Files.createDirectories(SHOTS);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.get());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1100",
        "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
    ChromeDriverService driverService =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(driver.get()))
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(driverService, options);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (service != null) {
      service.close();
    }
  }

  /** A real 48×32 PNG (two colours), so the page can decode it. */
  static byte[] png() throws IOException {
    BufferedImage image = new BufferedImage(48, 32, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < 48; x++) {
      for (int y = 0; y < 32; y++) {
        image.setRGB(x, y, y < 16 ? 0x2a6ec8 : 0x3c9a5f);
      }
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  static void createCollections(Path image, byte[] png) throws Exception {
    String collection =
        "{\"vectors\": {\"body\": {\"dimensions\": 3, \"similarity\": \"cosine\"}},"
            + " \"filterable\": [\"metadata.lang\"]}";
    assertThat(as(ADMIN, "PUT", "/v1/collections/articles", collection).status()).isEqualTo(201);
    assertThat(as(ADMIN, "PUT", "/v1/collections/big", collection).status()).isEqualTo(201);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png));
    String anchor =
        "[{\"uri\": \"%s\", \"contentType\": \"image/png\", \"sizeBytes\": %d, \"checksum\": \"%s\","
                .formatted(image, png.length, sha)
            + " \"checksumAlgorithm\": \"SHA-256\"}]";
    String docs =
        """
        {"documents": [
          {"id": "doc-1", "title": "Lakes", "text": "Lakes hold fresh water, and lakes freeze.",
           "images": %s, "vectors": {"body": [0.9, 0.1, 0.0]}, "metadata": {"lang": "en"}},
          {"id": "doc-2", "title": "Shelves", "text": "Shelves hold books.",
           "vectors": {"body": [0.1, 0.9, 0.0]}, "metadata": {"lang": "en"}},
          {"id": "doc-3", "title": "Lacs", "text": "Les lakes du nord.",
           "vectors": {"body": [0.7, 0.0, 0.3]}, "metadata": {"lang": "fr"}},
          {"id": "a.b/c", "title": "Rivers", "text": "Rivers feed lakes.",
           "images": %s, "vectors": {"body": [0.8, 0.0, 0.2]}, "metadata": {"lang": "en"}}
        ]}
        """
            .formatted(anchor, anchor);
    assertThat(as(ADMIN, "POST", "/v1/collections/articles/documents", docs).status())
        .isEqualTo(200);
    for (int start = 0; start < BIG_ROWS; start += 1000) {
      String batch =
          IntStream.range(start, start + 1000)
              .mapToObj(
                  i ->
                      "{\"id\": \"b-%d\", \"text\": \"row %d\", \"vectors\": {\"body\": [%d, 1, 0.5]}}"
                          .formatted(i, i, i % 17 + 1))
              .collect(Collectors.joining(",", "{\"documents\": [", "]}"));
      assertThat(as(ADMIN, "POST", "/v1/collections/big/documents", batch).status()).isEqualTo(200);
    }
  }

  static RunningService.Answer as(String key, String method, String path, String body)
      throws Exception {
    return service.send(
        method, path, body, "application/json", Map.of("Authorization", "Bearer " + key));
  }

  static WebDriverWait waiting(int seconds) {
    WebDriverWait wait =
        new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(50));
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  static Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  /** Saves what the window shows, scrolled to the element with the given id. */
  static void screenshot(String name, String showing) throws IOException {
    js("document.getElementById(arguments[0]).scrollIntoView()", showing);
    byte[] shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    Files.write(SHOTS.resolve(name + ".png"), shot);
  }

  static WebElement collectionRow(String name) {
    return browser.findElement(
        By.cssSelector("#collections-table tr[data-collection='" + name + "']"));
  }

  /** Clicks a button of a collection's row, again if the row was redrawn under the click. */
  static void clickInRow(String collection, String button) {
    waiting(10)
        .until(
            d -> {
              collectionRow(collection).findElement(By.cssSelector(button)).click();
              return true;
            });
  }

  static void enterKey(String key) {
    waiting(20).until(ExpectedConditions.visibilityOfElementLocated(By.id("key-dialog")));
    browser.findElement(By.id("key-input")).sendKeys(key);
    browser.findElement(By.cssSelector("#key-form button[type=submit]")).click();
    waiting(20).until(ExpectedConditions.invisibilityOfElementLocated(By.id("key-dialog")));
  }

  @Test
  @Order(1)
  void asksForAKeyThenListsTheCollections() throws Exception {
    browser.get(base + "/");
    WebElement dialog =
        waiting(20).until(ExpectedConditions.visibilityOfElementLocated(By.id("key-dialog")));
    assertThat(dialog.getText()).contains("needs an API key");
    assertThat(browser.findElements(By.cssSelector("#collections-table tbody tr"))).isEmpty();
    screenshot("01-asks-for-key", "collections");

    enterKey(ADMIN);
    waiting(20)
        .until(
            d ->
                d.findElements(By.cssSelector("#collections-table tr[data-collection]")).size()
                    == 2);
    WebElement articles = collectionRow("articles");
    assertThat(articles.findElement(By.cssSelector(".status")).getText()).isEqualTo("ready");
    assertThat(articles.findElement(By.cssSelector(".documents")).getText()).isEqualTo("4");
    assertThat(articles.findElement(By.cssSelector(".table-version")).getText()).isEqualTo("1");
    assertThat(articles.findElement(By.cssSelector(".indexed-version")).getText()).isEqualTo("1");
    assertThat(articles.findElement(By.cssSelector(".lag")).getText()).isEqualTo("0");
    assertThat(articles.findElement(By.cssSelector(".index-source")).getText()).isEqualTo("build");
    assertThat(articles.findElement(By.cssSelector(".vectors")).getText())
        .isEqualTo("body: 3-d cosine, no quantization");
    assertThat(collectionRow("big").findElement(By.cssSelector(".documents")).getText())
        .isEqualTo("3,000");
    // the key lives in this tab's session storage only
    assertThat(js("return [localStorage.length, sessionStorage.getItem('lakeshelf.apiKey')]"))
        .isEqualTo(List.of(0L, ADMIN));
    waiting(20)
        .until(
            d ->
                !d.findElements(By.cssSelector("#health-components li[data-component=index]"))
                    .isEmpty());
    screenshot("02-collections", "collections");
  }

  @Test
  @Order(2)
  void searchesWithAFilterAndShowsHitsWithTextAndImages() throws Exception {
    clickInRow("articles", ".search-button");
    waiting(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("search-panel")));
    new Select(browser.findElement(By.id("search-mode"))).selectByValue("keyword");
    browser.findElement(By.id("search-query")).sendKeys("lakes");
    browser.findElement(By.id("filter-add")).click();
    WebElement row = browser.findElement(By.cssSelector("#filter-rows .filter-row"));
    row.findElement(By.cssSelector(".field")).sendKeys("metadata.lang");
    new Select(row.findElement(By.cssSelector(".op"))).selectByValue("eq");
    row.findElement(By.cssSelector(".value")).sendKeys("en");
    assertThat(browser.findElement(By.id("filter-json")).getDomProperty("value"))
        .isEqualTo("{\"field\":\"metadata.lang\",\"eq\":\"en\"}");
    browser.findElement(By.id("search-submit")).click();

    waiting(20).until(d -> !d.findElements(By.cssSelector("#hits li.hit")).isEmpty());
    List<WebElement> hits = browser.findElements(By.cssSelector("#hits li.hit"));
    List<String> ids = new ArrayList<>();
    for (WebElement hit : hits) {
      ids.add(hit.getDomAttribute("data-id"));
      assertThat(hit.findElement(By.cssSelector("dl")).getText()).contains("lang").contains("en");
    }
    // BM25 over "lakes": doc-1 has it twice; doc-3 (fr) is filtered out; doc-2 has no "lakes"
    assertThat(ids).containsExactly("doc-1", "a.b/c");
    WebElement first = hits.get(0);
    assertThat(first.findElement(By.cssSelector(".title")).getText()).isEqualTo("Lakes");
    assertThat(first.findElement(By.cssSelector(".text")).getText())
        .isEqualTo("Lakes hold fresh water, and lakes freeze.");
    assertThat(browser.findElement(By.id("search-summary")).getText())
        .startsWith("2 hits at table version 1");
    // both images decoded in the page, fetched with the key from the image endpoint (the second
    // through an id with '.' and '/', percent-encoded as the API wants)
    waiting(20)
        .until(
            d ->
                ((Number)
                            js(
                                "return [...document.querySelectorAll('#hits img.thumb')]"
                                    + ".filter(i => i.complete && i.naturalWidth === 48).length"))
                        .intValue()
                    == 2);
    assertThat(browser.findElements(By.cssSelector("#hits .image-error"))).isEmpty();
    screenshot("03-search-keyword-filter", "search-panel");

    // vector mode, no filter
    browser.findElement(By.cssSelector("#filter-rows .remove")).click();
    assertThat(browser.findElement(By.id("filter-json")).getDomProperty("value")).isEmpty();
    new Select(browser.findElement(By.id("search-mode"))).selectByValue("vector");
    WebElement query = browser.findElement(By.id("search-query"));
    query.clear();
    query.sendKeys("[0.1, 0.9, 0]");
    browser.findElement(By.id("search-k")).clear();
    browser.findElement(By.id("search-k")).sendKeys("2");
    browser.findElement(By.id("search-submit")).click();
    waiting(20)
        .until(
            d -> {
              List<WebElement> now = d.findElements(By.cssSelector("#hits li.hit"));
              return now.size() == 2 && "doc-2".equals(now.get(0).getDomAttribute("data-id"));
            });

    // a refused request shows the service's problem code
    query.clear();
    query.sendKeys("[1, 0]");
    browser.findElement(By.id("search-submit")).click();
    WebElement error =
        waiting(20).until(ExpectedConditions.visibilityOfElementLocated(By.id("search-error")));
    assertThat(error.getText()).startsWith("DIMENSION_MISMATCH");
    screenshot("04-search-vector-error", "search-form");
  }

  @Test
  @Order(3)
  void followsAReindexJobToCompletion() throws Exception {
    clickInRow("big", ".reindex-button");
    // the job's row with a progress bar part way (500 rows a second of 3,000)
    WebElement running =
        waiting(30)
            .until(
                d -> {
                  for (WebElement r : d.findElements(By.cssSelector("#jobs-table tr[data-job]"))) {
                    WebElement bar = r.findElement(By.tagName("progress"));
                    double value = Double.parseDouble(bar.getDomProperty("value"));
                    double max = Double.parseDouble(bar.getDomProperty("max"));
                    if ("running".equals(r.getDomAttribute("data-state"))
                        && value > 0
                        && value < max) {
                      return r;
                    }
                  }
                  return null;
                });
    assertThat(running.findElement(By.cssSelector(".cancel-button")).isDisplayed()).isTrue();
    assertThat(running.getText()).contains("big").contains("reindex").contains("/ 3,000 rows");
    screenshot("05-reindex-running", "jobs");
    String job = running.getDomAttribute("data-job");

    WebElement done =
        waiting(60)
            .until(
                d ->
                    d
                        .findElements(
                            By.cssSelector(
                                "#jobs-table tr[data-job='" + job + "'][data-state=succeeded]"))
                        .stream()
                        .findFirst()
                        .orElse(null));
    assertThat(done.findElement(By.cssSelector(".progress-text")).getText())
        .isEqualTo("3,000 / 3,000 rows (100%)");
    assertThat(done.findElements(By.cssSelector(".cancel-button"))).isEmpty();
    // the charts have samples (the admin key may read metrics)
    assertThat(browser.findElement(By.id("metrics-error")).isDisplayed()).isFalse();
    assertThat(browser.findElements(By.cssSelector("[data-chart=search-rate] polyline")))
        .isNotEmpty();
    screenshot("06-reindex-done", "jobs");

    // another reindex, cancelled from its row: the job ends cancelled and the old index serves
    clickInRow("big", ".reindex-button");
    waiting(30)
        .until(
            d -> {
              for (WebElement r : d.findElements(By.cssSelector("#jobs-table tr[data-job]"))) {
                if (!r.getDomAttribute("data-job").equals(job)
                    && !r.findElements(By.cssSelector(".cancel-button")).isEmpty()) {
                  r.findElement(By.cssSelector(".cancel-button")).click();
                  return true;
                }
              }
              return false;
            });
    waiting(60)
        .until(
            d -> !d.findElements(By.cssSelector("#jobs-table tr[data-state=cancelled]")).isEmpty());
    assertThat(
            as(ADMIN, "POST", "/v1/collections/big/search", "{\"vector\": [1, 1, 0.5], \"k\": 3}")
                .json()
                .get("hits")
                .size())
        .isEqualTo(3);
  }

  @Test
  @Order(4)
  void aReadKeyIsAskedForAgainAndShownWhatItMayNotDo() throws Exception {
    browser.findElement(By.id("key-forget")).click();
    enterKey(READ);
    waiting(20)
        .until(
            d ->
                d.findElements(By.cssSelector("#collections-table tr[data-collection]")).size()
                    == 2);
    waiting(20)
        .until(
            d ->
                d.findElement(By.id("jobs-error"))
                    .getText()
                    .equals("Jobs need a key with the admin role."));
    waiting(20)
        .until(
            d ->
                d.findElement(By.id("metrics-error"))
                    .getText()
                    .equals("Charts need a key with the metrics or admin role."));
    clickInRow("big", ".reindex-button");
    WebElement notice =
        waiting(20).until(ExpectedConditions.visibilityOfElementLocated(By.id("notice")));
    assertThat(notice.getText()).startsWith("Reindex of big: FORBIDDEN");
    assertThat(js("return sessionStorage.getItem('lakeshelf.apiKey')")).isEqualTo(READ);
    screenshot("07-read-key", "notice");
  }
}
