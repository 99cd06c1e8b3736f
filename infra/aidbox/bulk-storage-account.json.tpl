    {
      "request": { "method": "PUT", "url": "/AwsAccount/portal-bulk-export" },
      "resource": {
        "resourceType": "AwsAccount",
        "id": "portal-bulk-export",
        "region": "us-east-1",
        "host": "${BULK_STORAGE_HOST}",
        "path-style": true,
        "use-ssl": false,
        "access-key-id": "${BULK_STORAGE_ACCESS_KEY}",
        "secret-access-key": "${BULK_STORAGE_SECRET_KEY}"
      }
    },
